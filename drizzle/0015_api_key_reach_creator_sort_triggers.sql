-- Two derived columns of api_keys (0014), kept right by the database in the changing transaction, so
-- no code path (the services, the seed, a script, a test's direct SQL) can leave them stale:
--   reach        'all' (all_tenants), 'tenants' (an allowed tenant other than the owning organisation)
--                or 'own' (no tenant but the owning organisation): an organisation admin's key scope
--                becomes reach = 'own', one range of api_keys_list_status_idx, instead of an anti-join
--                of every key's api_key_tenants;
--   creator_sort lower(name) of the creating user, null without one: "sort by creator" walks
--                api_keys_list_creator_idx instead of joining and sorting every key.
-- The app never writes either column. Neither is read by a key check, so neither notifies.

-- Backfill first, set-based (cheaper than firing the row trigger below for every existing key).
UPDATE api_keys k SET
  reach = CASE
    WHEN k.all_tenants THEN 'all'
    WHEN EXISTS (SELECT 1 FROM api_key_tenants t WHERE t.api_key_id = k.id AND t.organisation_id <> k.organisation_id) THEN 'tenants'
    ELSE 'own'
  END,
  creator_sort = (SELECT lower(u.name) FROM users u WHERE u.id = k.created_by_user_id);
--> statement-breakpoint
-- The one place the two values are computed: on insert, and whenever an update names a column they
-- depend on (or names them, as the triggers below do to ask for a recomputation; so an explicit
-- "set reach = …" cannot make it wrong either). Usage flushes name none of these: no cost there.
CREATE OR REPLACE FUNCTION crm_api_keys_derive() RETURNS trigger AS $$
BEGIN
  NEW.reach := CASE
    WHEN NEW.all_tenants THEN 'all'
    WHEN EXISTS (SELECT 1 FROM api_key_tenants t WHERE t.api_key_id = NEW.id AND t.organisation_id <> NEW.organisation_id) THEN 'tenants'
    ELSE 'own'
  END;
  NEW.creator_sort := (SELECT lower(u.name) FROM users u WHERE u.id = NEW.created_by_user_id);
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER api_keys_derive
  BEFORE INSERT OR UPDATE OF all_tenants, organisation_id, created_by_user_id, reach, creator_sort ON api_keys
  FOR EACH ROW EXECUTE FUNCTION crm_api_keys_derive();
--> statement-breakpoint
-- A key's allowed tenants changed: recompute the reach of the keys concerned, once per statement
-- (a key's tenants are replaced with one delete and one multi-row insert).
CREATE OR REPLACE FUNCTION crm_api_key_tenants_rederive() RETURNS trigger AS $$
BEGIN
  UPDATE api_keys k SET reach = k.reach WHERE k.id IN (SELECT api_key_id FROM changed_tenants);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER api_key_tenants_insert_rederive
  AFTER INSERT ON api_key_tenants REFERENCING NEW TABLE AS changed_tenants
  FOR EACH STATEMENT EXECUTE FUNCTION crm_api_key_tenants_rederive();
--> statement-breakpoint
CREATE TRIGGER api_key_tenants_delete_rederive
  AFTER DELETE ON api_key_tenants REFERENCING OLD TABLE AS changed_tenants
  FOR EACH STATEMENT EXECUTE FUNCTION crm_api_key_tenants_rederive();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION crm_api_key_tenants_update_rederive() RETURNS trigger AS $$
BEGIN
  UPDATE api_keys k SET reach = k.reach
  WHERE k.id IN (SELECT api_key_id FROM old_tenants UNION SELECT api_key_id FROM new_tenants);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER api_key_tenants_update_rederive
  AFTER UPDATE ON api_key_tenants REFERENCING OLD TABLE AS old_tenants NEW TABLE AS new_tenants
  FOR EACH STATEMENT EXECUTE FUNCTION crm_api_key_tenants_update_rederive();
--> statement-breakpoint
-- A creator renamed: their keys' creator_sort follows (by api_keys_created_by_user_idx). A removed
-- creator needs nothing here: ON DELETE SET NULL updates created_by_user_id, which the row trigger
-- above turns into a null creator_sort.
CREATE OR REPLACE FUNCTION crm_users_rederive_creator_sort() RETURNS trigger AS $$
BEGIN
  UPDATE api_keys k SET creator_sort = NULL
  WHERE k.created_by_user_id = NEW.id AND k.creator_sort IS DISTINCT FROM lower(NEW.name);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_rederive_creator_sort
  AFTER UPDATE OF name ON users
  FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name)
  EXECUTE FUNCTION crm_users_rederive_creator_sort();
