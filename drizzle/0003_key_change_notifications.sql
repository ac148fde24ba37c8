-- Every change that can alter the outcome of a key check announces itself on crm_key_changes, from
-- inside the changing transaction (delivered on commit). App instances LISTEN and evict their key
-- caches, so no code path can forget to invalidate. New secrets also announce their hash, so the
-- instances' "known key" filters learn them.
CREATE OR REPLACE FUNCTION crm_notify_api_key_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('keyIds', json_build_array(OLD.id))::text);
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.key_hash IS DISTINCT FROM OLD.key_hash THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('keyIds', json_build_array(NEW.id), 'addHash', NEW.key_hash)::text);
  ELSIF (NEW.status, NEW.permissions, NEW.all_tenants, NEW.expires_at, NEW.user_id, NEW.organisation_id, NEW.name, NEW.kind)
        IS DISTINCT FROM (OLD.status, OLD.permissions, OLD.all_tenants, OLD.expires_at, OLD.user_id, OLD.organisation_id, OLD.name, OLD.kind) THEN
    -- Only what a key check reads: usage flushes (last_used_at) do not evict anything.
    PERFORM pg_notify('crm_key_changes', json_build_object('keyIds', json_build_array(NEW.id))::text);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER api_keys_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON api_keys
  FOR EACH ROW EXECUTE FUNCTION crm_notify_api_key_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION crm_notify_api_key_tenants_change() RETURNS trigger AS $$
BEGIN
  PERFORM pg_notify('crm_key_changes', json_build_object('keyIds', json_build_array(COALESCE(NEW.api_key_id, OLD.api_key_id)))::text);
  RETURN NULL;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER api_key_tenants_notify_change
  AFTER INSERT OR UPDATE OR DELETE ON api_key_tenants
  FOR EACH ROW EXECUTE FUNCTION crm_notify_api_key_tenants_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION crm_notify_user_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('userId', OLD.id)::text);
    RETURN OLD;
  END IF;
  IF NEW.role IS DISTINCT FROM OLD.role OR NEW.disabled_at IS DISTINCT FROM OLD.disabled_at
     OR NEW.organisation_id IS DISTINCT FROM OLD.organisation_id THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('userId', NEW.id)::text);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER users_notify_change
  AFTER UPDATE OR DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION crm_notify_user_change();
--> statement-breakpoint
CREATE OR REPLACE FUNCTION crm_notify_organisation_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' OR NEW.api_access_for_non_admins IS DISTINCT FROM OLD.api_access_for_non_admins THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('organisationId', COALESCE(NEW.id, OLD.id))::text);
  END IF;
  RETURN COALESCE(NEW, OLD);
END;
$$ LANGUAGE plpgsql;
--> statement-breakpoint
CREATE TRIGGER organisations_notify_change
  AFTER UPDATE OR DELETE ON organisations
  FOR EACH ROW EXECUTE FUNCTION crm_notify_organisation_change();
