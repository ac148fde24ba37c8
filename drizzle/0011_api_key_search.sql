-- Search in the admin key list ("part of the name, description or visible identifier") is
-- `ilike '%…%'`, which no btree can serve: trigram GIN indexes can, one per searched expression, so
-- the four alternatives of the search become one BitmapOr of index scans. pg_trgm is a trusted
-- extension on PostgreSQL 13+ and ships with PGlite (loaded in db/index.ts).
CREATE EXTENSION IF NOT EXISTS pg_trgm;--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "api_keys_search_name_trgm" ON "api_keys" USING gin ("name" gin_trgm_ops) WHERE "kind" = 'integration';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "api_keys_search_description_trgm" ON "api_keys" USING gin ("description" gin_trgm_ops) WHERE "kind" = 'integration';--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "api_keys_search_visible_id_trgm" ON "api_keys" USING gin (("prefix" || '…' || "last_four") gin_trgm_ops, ("prefix" || "last_four") gin_trgm_ops) WHERE "kind" = 'integration';
