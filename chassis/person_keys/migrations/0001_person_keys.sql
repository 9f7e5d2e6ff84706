-- The person-key store (chassis/keystore.py): a database of its own, apart from the events it unlocks.
-- Per-person data keys, wrapped by the master key. Deleting a row is the erasure (crypto-shredding);
-- a row whose person never got an event (a registration that rolled back) is an orphan, harmless.
CREATE TABLE IF NOT EXISTS person_keys (
    subject    text PRIMARY KEY,
    key_id     text NOT NULL,
    wrapped    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS person_keys_key_id ON person_keys (key_id);
