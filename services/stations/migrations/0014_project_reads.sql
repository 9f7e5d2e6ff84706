-- Every staff read of an incubation project's summary (the applicant's own words): who, when, which project, why —
-- never the summary itself. The applicant's own reads (their export) are not staff reads and are not recorded.
-- The project id stays after an erasure: it names no one.
CREATE TABLE IF NOT EXISTS project_reads (
    id         bigserial PRIMARY KEY,
    at         timestamptz NOT NULL DEFAULT now(),
    actor      text NOT NULL,
    roles      text[] NOT NULL,
    district   text,
    project_id text NOT NULL,
    purpose    text NOT NULL
);
CREATE INDEX IF NOT EXISTS project_reads_project ON project_reads (project_id, at);
