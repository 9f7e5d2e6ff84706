-- What one caller read lately (services/registry/read_limits.py): lookups in the last minute, people listed in
-- the last hour, counted from the audit trail at every search.
CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor, action, at);
