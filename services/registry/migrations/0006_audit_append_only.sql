-- The audit trail is append-only for the registry's own role: INSERT and SELECT, never UPDATE, DELETE or TRUNCATE.
-- The registry's role owns the table (it runs its migrations at start-up, in production too, where no admin
-- takes part), so two locks: the owner gives up its own UPDATE/DELETE/TRUNCATE privileges (an ordinary
-- "permission denied"), and a trigger refuses them for everyone, the admin included. Undoing either needs DDL
-- on the registry's database; no other service's role can even connect to it (chassis/roles.py).
REVOKE UPDATE, DELETE, TRUNCATE ON audit FROM CURRENT_USER;

CREATE OR REPLACE FUNCTION audit_is_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;

DROP TRIGGER IF EXISTS audit_no_change ON audit;
CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION audit_is_append_only();
DROP TRIGGER IF EXISTS audit_no_truncate ON audit;
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION audit_is_append_only();
