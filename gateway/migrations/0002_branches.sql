-- Read models of league organisation (gateway/views/branches.py): pseudonymous ids and public
-- attributes only. Members are youth ids; names live in the registry alone.
CREATE TABLE IF NOT EXISTS br_branches (
    branch_id       text PRIMARY KEY,
    name            text NOT NULL,
    kind            text NOT NULL,
    district        text NOT NULL,
    status          text NOT NULL DEFAULT 'ACTIVE',     -- ACTIVE | DISSOLVED
    organisation_id text,
    secretary_id    text,
    founded_on      date NOT NULL,
    dissolved_on    date
);
CREATE INDEX IF NOT EXISTS br_branches_list ON br_branches (district, name, branch_id);

CREATE TABLE IF NOT EXISTS br_members (
    youth_id  text PRIMARY KEY,                         -- one branch per person at a time
    branch_id text NOT NULL,
    district  text NOT NULL,
    joined_on date NOT NULL,
    via       text NOT NULL                             -- APPLICATION | INVITATION | TRANSFER
);
CREATE INDEX IF NOT EXISTS br_members_branch ON br_members (branch_id, joined_on, youth_id);
CREATE INDEX IF NOT EXISTS br_members_district ON br_members (district);

CREATE TABLE IF NOT EXISTS br_applications (
    youth_id   text PRIMARY KEY,
    branch_id  text NOT NULL,
    district   text NOT NULL,
    applied_on date NOT NULL
);

CREATE TABLE IF NOT EXISTS br_transfers (
    transfer_id    text PRIMARY KEY,
    youth_id       text NOT NULL,
    from_branch_id text NOT NULL,
    from_district  text NOT NULL,
    to_branch_id   text NOT NULL,
    to_district    text NOT NULL,
    initiated_by   text NOT NULL,
    requested_on   date NOT NULL,
    expires_on     date NOT NULL,
    status         text NOT NULL DEFAULT 'PENDING',     -- PENDING | APPROVED | REJECTED | EXPIRED | CANCELLED
    decided_on     date
);
CREATE INDEX IF NOT EXISTS br_transfers_status ON br_transfers (status, requested_on, transfer_id);
CREATE INDEX IF NOT EXISTS br_transfers_youth ON br_transfers (youth_id) WHERE status = 'PENDING';

CREATE TABLE IF NOT EXISTS br_organisations (
    organisation_id text PRIMARY KEY,
    name            text NOT NULL,
    kind            text NOT NULL,
    district        text NOT NULL,
    stage           text NOT NULL,                      -- CONTACTED | WORKING | BRANCH_FOUNDED
    branch_id       text,
    contacted_on    date NOT NULL
);
CREATE INDEX IF NOT EXISTS br_organisations_list ON br_organisations (district, name, organisation_id);

CREATE TABLE IF NOT EXISTS br_meetings (
    meeting_id text PRIMARY KEY,
    branch_id  text NOT NULL,
    district   text NOT NULL,
    kind       text NOT NULL,
    held_on    date NOT NULL,
    topic      text NOT NULL,
    attendance integer NOT NULL
);
CREATE INDEX IF NOT EXISTS br_meetings_branch ON br_meetings (branch_id, held_on);

CREATE TABLE IF NOT EXISTS br_measures (
    measure_id  text PRIMARY KEY,
    area        text NOT NULL,
    title       text NOT NULL,
    lead        text NOT NULL,
    partners    text[] NOT NULL,
    placeholder boolean NOT NULL,
    percent     integer NOT NULL DEFAULT 0,
    last_note   text,
    reported_on date
);

CREATE TABLE IF NOT EXISTS br_milestones (
    milestone_id text PRIMARY KEY,
    measure_id   text NOT NULL,
    title        text NOT NULL,
    due_on       date NOT NULL,
    completed_on date
);
CREATE INDEX IF NOT EXISTS br_milestones_measure ON br_milestones (measure_id);
