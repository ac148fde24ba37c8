DROP INDEX "api_keys_list_created_by_idx";--> statement-breakpoint
DROP INDEX "api_keys_list_status_idx";--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "creator_sort" text;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "reach" text DEFAULT 'own' NOT NULL;--> statement-breakpoint
CREATE INDEX "api_keys_list_creator_idx" ON "api_keys" USING btree ("organisation_id","creator_sort" NULLS FIRST,"id") WHERE "api_keys"."kind" = 'integration';--> statement-breakpoint
CREATE INDEX "api_keys_created_by_user_idx" ON "api_keys" USING btree ("created_by_user_id");--> statement-breakpoint
CREATE INDEX "api_keys_list_status_idx" ON "api_keys" USING btree ("organisation_id","reach","status","expires_at","last_used_at","created_at") WHERE "api_keys"."kind" = 'integration';