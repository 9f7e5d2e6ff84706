-- Applications for 筑梦空间 internships (issue 19), written in the command's transaction.
-- internship_applications: which offer an application belongs to (no youth id, so it outlives an erasure and staff
-- can still close the offer or decide on it). youth_internship_applications: the applicant's own list (`me`, the
-- export) and the staff's list of an offer's applications, with the applicant's optional note; an own list
-- (tables.OWN_LISTS): a person's rows are deleted on erasure, the dashboard's counts stay.
CREATE TABLE IF NOT EXISTS internship_applications (
    application_id text PRIMARY KEY,
    internship_id  text NOT NULL
);

CREATE TABLE IF NOT EXISTS youth_internship_applications (
    application_id text PRIMARY KEY,
    youth_id       text NOT NULL,
    internship_id  text NOT NULL,
    station_id     text NOT NULL,
    district       text NOT NULL,
    company        text NOT NULL,
    title          text NOT NULL,
    note           text,
    status         text NOT NULL,
    reason         text,
    applied_at     timestamptz NOT NULL,
    decided_at     timestamptz
);
CREATE INDEX IF NOT EXISTS youth_internship_applications_youth ON youth_internship_applications (youth_id);
CREATE INDEX IF NOT EXISTS youth_internship_applications_offer
    ON youth_internship_applications (internship_id, applied_at, application_id);
