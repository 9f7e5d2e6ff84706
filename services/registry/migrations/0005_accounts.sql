-- A young person's own sign-in account → their record (youth self-service, docs/REGISTRY.md). Only a keyed
-- hash (blind index) of the account at the youth identity provider is kept here; the account itself is
-- sealed in `account-linked.v1`. One account per record and one record per account; erasure deletes the row.
CREATE TABLE IF NOT EXISTS youth_accounts (
    account_digest bytea PRIMARY KEY,
    youth_id       text NOT NULL UNIQUE
);

-- The claim code staff print for a person registered at a station (one per record, the latest issued):
-- a keyed hash of it, single use (deleted when claimed), expiring.
CREATE TABLE IF NOT EXISTS claim_codes (
    code_digest bytea PRIMARY KEY,
    youth_id    text NOT NULL UNIQUE,
    expires_at  timestamptz NOT NULL
);
