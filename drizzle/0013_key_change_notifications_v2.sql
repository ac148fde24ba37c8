-- The key-check trigger of 0003, extended to the columns a key check now also reads: the previous
-- secret of a rotation (ending an overlap early must reach every instance at once), the IP allowlist
-- and the rate limit. Usage flushes (last_used_at, previous_key_last_used_at) still evict nothing.
CREATE OR REPLACE FUNCTION crm_notify_api_key_change() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('keyIds', json_build_array(OLD.id))::text);
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' OR NEW.key_hash IS DISTINCT FROM OLD.key_hash THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('keyIds', json_build_array(NEW.id), 'addHash', NEW.key_hash)::text);
  ELSIF (NEW.status, NEW.permissions, NEW.all_tenants, NEW.expires_at, NEW.user_id, NEW.organisation_id, NEW.name, NEW.kind,
         NEW.previous_key_hash, NEW.previous_key_expires_at, NEW.allowed_ips, NEW.rate_limit_per_minute)
        IS DISTINCT FROM (OLD.status, OLD.permissions, OLD.all_tenants, OLD.expires_at, OLD.user_id, OLD.organisation_id, OLD.name, OLD.kind,
         OLD.previous_key_hash, OLD.previous_key_expires_at, OLD.allowed_ips, OLD.rate_limit_per_minute) THEN
    PERFORM pg_notify('crm_key_changes', json_build_object('keyIds', json_build_array(NEW.id))::text);
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
