-- 面对面 (issue 19): sessions of deputies with new youth, the issues raised and the proposals that follow,
-- kept by gateway/projections/face_to_face.py in its own transaction (reads: gateway/tables/face_to_face.py).
-- Counts and issues only: no deputy's or youth's name is ever published, so erasure has nothing to remove here.
CREATE TABLE IF NOT EXISTS ff_sessions (
    session_id      text PRIMARY KEY,
    district        text NOT NULL,
    held_on         date NOT NULL,
    place           text NOT NULL,
    deputy_role     text NOT NULL,
    deputies        integer NOT NULL,
    youth_attending integer NOT NULL
);
CREATE INDEX IF NOT EXISTS ff_sessions_by_district ON ff_sessions (district, held_on DESC);

CREATE TABLE IF NOT EXISTS ff_issues (
    issue_id   text PRIMARY KEY,
    session_id text NOT NULL,
    district   text NOT NULL,
    category   text NOT NULL,
    text       text NOT NULL
);
CREATE INDEX IF NOT EXISTS ff_issues_by_session ON ff_issues (session_id);

CREATE TABLE IF NOT EXISTS ff_proposals (
    proposal_id  text PRIMARY KEY,
    session_id   text NOT NULL,
    issue_id     text NOT NULL,
    district     text NOT NULL,
    kind         text NOT NULL,
    title        text NOT NULL,
    department   text NOT NULL,
    status       text NOT NULL DEFAULT 'SUBMITTED',
    submitted_on date NOT NULL,
    response     text,          -- the reason it was not accepted, or the department's answer
    decided_on   date,
    answered_on  date
);
CREATE INDEX IF NOT EXISTS ff_proposals_by_district ON ff_proposals (district, status);
CREATE INDEX IF NOT EXISTS ff_proposals_by_department ON ff_proposals (department, status);
