-- Per-person data keys, wrapped by the master key. Deleting a row is the erasure (crypto-shredding).
CREATE TABLE IF NOT EXISTS person_keys (
    subject    text PRIMARY KEY,
    key_id     text NOT NULL,
    wrapped    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Blind index: keyed hashes of identifiers (mobile, ID number) → youth, for duplicate detection
-- and exact lookup without decrypting anyone.
CREATE TABLE IF NOT EXISTS youth_identifiers (
    kind     text  NOT NULL,
    digest   bytea NOT NULL,
    youth_id text  NOT NULL,
    PRIMARY KEY (kind, digest)
);
CREATE INDEX IF NOT EXISTS youth_identifiers_youth ON youth_identifiers (youth_id);
