-- Per-case data keys, wrapped by the master key (chassis/vault.py): subject = the case's stream id.
-- A case's summary is sealed with its key; deleting the row (erasure of its youth) shreds the summary
-- in every copy of the event.
CREATE TABLE IF NOT EXISTS person_keys (
    subject    text PRIMARY KEY,
    key_id     text NOT NULL,
    wrapped    bytea NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Whose case is it: the registry's erasure of that youth shreds the keys of all their cases.
CREATE TABLE IF NOT EXISTS case_subjects (
    case_id  text PRIMARY KEY,
    youth_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS case_subjects_youth ON case_subjects (youth_id);

-- The open deadlines of each case (mirrored in the command's transaction), scanned by the overdue job.
CREATE TABLE IF NOT EXISTS case_deadlines (
    case_id            text PRIMARY KEY,
    first_response_due timestamptz,
    resolve_due        timestamptz
);
CREATE INDEX IF NOT EXISTS case_deadlines_due ON case_deadlines (least(first_response_due, resolve_due));

-- Every read of a case's summary: who, when, which case, why (never the text itself).
CREATE TABLE IF NOT EXISTS case_reads (
    id       bigserial PRIMARY KEY,
    at       timestamptz NOT NULL DEFAULT now(),
    actor    text NOT NULL,
    roles    text[] NOT NULL,
    district text,
    case_id  text NOT NULL,
    purpose  text NOT NULL
);
CREATE INDEX IF NOT EXISTS case_reads_case ON case_reads (case_id, at);
