-- 筑梦空间's staff lists (issue 19), kept by the gateway.dream_space_lists projection
-- (gateway/projections/dream_space_lists.py): the incubation projects and the internships offered, with the
-- applications' counts. No youth id and no applicant's note: a person's erasure leaves them (the applications
-- themselves, with who applied, stay in the stations service).
CREATE TABLE IF NOT EXISTS ds_projects (
    project_id  text PRIMARY KEY,
    station_id  text NOT NULL,
    district    text NOT NULL,
    title       text NOT NULL,
    field       text NOT NULL,
    status      text NOT NULL,
    milestones  integer NOT NULL DEFAULT 0,
    applied_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ds_projects_list ON ds_projects (district, applied_at DESC, project_id DESC);

CREATE TABLE IF NOT EXISTS ds_internships (
    internship_id text PRIMARY KEY,
    station_id    text NOT NULL,
    district      text NOT NULL,
    company       text NOT NULL,
    title         text NOT NULL,
    places        integer NOT NULL,
    open          boolean NOT NULL DEFAULT true,
    applications  integer NOT NULL DEFAULT 0,  -- every application made
    pending       integer NOT NULL DEFAULT 0,  -- waiting for a decision
    accepted      integer NOT NULL DEFAULT 0,
    offered_at    timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS ds_internships_list ON ds_internships (district, offered_at DESC, internship_id DESC);
