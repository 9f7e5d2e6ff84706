-- The partner publisher's consent view: one row per person (youth id → purposes, public attributes).
-- Pseudonymous: no name, mobile or ID number ever reaches this database. An erased person keeps only
-- the marker (erased = true, everything else emptied), so a late or replayed event cannot revive them.
CREATE TABLE IF NOT EXISTS partner_people (
    youth_id    text        PRIMARY KEY,
    registered  boolean     NOT NULL DEFAULT false,
    active      boolean     NOT NULL DEFAULT true,
    erased      boolean     NOT NULL DEFAULT false,
    consents    text[]      NOT NULL DEFAULT '{}',
    profile     jsonb       NOT NULL DEFAULT '{}',
    shared_with text[]      NOT NULL DEFAULT '{}',
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- The chassis `events` table of this database holds the partner messages themselves (stream = the
-- agency's pseudonym of a person): the record of what was disclosed to whom, and the outbox source.
