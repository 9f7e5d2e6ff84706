-- Every staff read of a nominee's profile (name, photo reference, story): who, when, which nomination, why —
-- never the profile itself. The nominee's own reads and the public list (selected, with consent) are not staff
-- reads of personal data and are not recorded. The nomination id stays after an erasure: it names no one.
CREATE TABLE IF NOT EXISTS role_model_reads (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor         text NOT NULL,
    roles         text[] NOT NULL,
    district      text,
    nomination_id text NOT NULL,
    purpose       text NOT NULL
);
CREATE INDEX IF NOT EXISTS role_model_reads_nomination ON role_model_reads (nomination_id, at);
