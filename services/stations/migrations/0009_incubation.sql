-- 筑梦空间 incubation projects (issue 19): the projects a person applied for, written in the command's
-- transaction, so `me` lists them without replaying the streams. Pseudonymous ids only; a person's rows are
-- deleted on erasure (an own list, tables.OWN_LISTS) while the dashboard's counts stay.
CREATE TABLE IF NOT EXISTS youth_projects (
    youth_id   text NOT NULL,
    project_id text NOT NULL,
    station_id text NOT NULL,
    district   text NOT NULL,
    title      text NOT NULL,
    field      text NOT NULL,
    status     text NOT NULL,
    applied_at timestamptz NOT NULL,
    PRIMARY KEY (youth_id, project_id)
);
CREATE INDEX IF NOT EXISTS youth_projects_project ON youth_projects (project_id);
