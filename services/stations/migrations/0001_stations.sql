-- Idempotency of service records: one row per (station, client key), inserted in the same
-- transaction as the append, so a retried upload never counts twice.
CREATE TABLE IF NOT EXISTS service_record_keys (
    station_id      text NOT NULL,
    idempotency_key text NOT NULL,
    record_id       text NOT NULL,
    stream_id       text NOT NULL,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (station_id, idempotency_key)
);

-- Who received a health-related service (体检, 义诊): sensitive, so it stays in this database only;
-- the published event carries no youth id.
CREATE TABLE IF NOT EXISTS health_record_subjects (
    record_id text PRIMARY KEY,
    youth_id  text NOT NULL
);

-- The citizen's words and location from a 12345 work order: never published.
CREATE TABLE IF NOT EXISTS appeal_details (
    appeal_id   text PRIMARY KEY,
    description text,
    address     text,
    lat         double precision,
    lon         double precision
);

-- What the overdue marking scans: open deadlines only (rows leave as appeals are handled).
CREATE TABLE IF NOT EXISTS appeal_deadlines (
    appeal_id   text PRIMARY KEY,
    contact_due timestamptz,   -- null once contacted or marked
    resolve_due timestamptz    -- null once resolved or marked
);
CREATE INDEX IF NOT EXISTS appeal_deadlines_contact ON appeal_deadlines (contact_due) WHERE contact_due IS NOT NULL;
CREATE INDEX IF NOT EXISTS appeal_deadlines_resolve ON appeal_deadlines (resolve_due) WHERE resolve_due IS NOT NULL;
