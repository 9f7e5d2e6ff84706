-- The registry's own query table for operators' search, kept in the command's transaction.
-- Public attributes and blind-index digests only, plus `card`: name, mobile, ID number and gender
-- sealed with the person's own key (so erasure shreds it too; the row is also deleted on erasure).
-- `birth_year` is the one coarse personal attribute in clear (age-band search); erased with the row.
CREATE TABLE IF NOT EXISTS youth_index (
    youth_id        text PRIMARY KEY,
    district        text NOT NULL,
    youth_type      text NOT NULL,
    subtype         text NOT NULL,
    employer_kind   text,
    employer_digest bytea,
    birth_year      integer,
    registered_on   date NOT NULL,
    status          text NOT NULL,
    card            bytea,
    updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS youth_index_registered ON youth_index (registered_on, youth_id);
CREATE INDEX IF NOT EXISTS youth_index_district ON youth_index (district, registered_on, youth_id);
CREATE INDEX IF NOT EXISTS youth_index_employer ON youth_index (employer_digest) WHERE employer_digest IS NOT NULL;

-- Append-only audit trail: who read or changed whose personal data, which fields, for what purpose.
-- It never holds the personal values themselves (only the pseudonymous youth id and field names).
CREATE TABLE IF NOT EXISTS audit (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,
    roles     text[] NOT NULL,
    scope     text,
    action    text NOT NULL,
    youth_id  text,
    fields    text[] NOT NULL DEFAULT '{}',
    purpose   text,
    trace_id  text
);
CREATE INDEX IF NOT EXISTS audit_youth ON audit (youth_id, id);
CREATE INDEX IF NOT EXISTS audit_actor ON audit (actor, id);
