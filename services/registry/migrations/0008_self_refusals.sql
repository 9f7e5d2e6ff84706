-- What a young person's own account was refused where the refusal tells something (services/registry/read_limits.py
-- `admit_self_refusals`): a registration refused as a duplicate says the mobile or ID number is registered; a claim
-- code refused says which codes are not. Counted per account (its keyed hash, never the account) and kind; rows older
-- than the window are deleted as new ones come.
CREATE TABLE IF NOT EXISTS self_refusals (
    account_digest bytea NOT NULL,
    kind           text NOT NULL,
    at             timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS self_refusals_by_account ON self_refusals (account_digest, kind, at);
