-- Cases (求助个案) from xq.stations.case: public fields only. The summary never comes here (it is sealed
-- in the stations service and read there, audited); the youth id is the registry's pseudonym.
CREATE TABLE IF NOT EXISTS cs_cases (
    case_id                text PRIMARY KEY,
    source                 text NOT NULL,
    category               text NOT NULL,
    urgency                text NOT NULL,
    district               text NOT NULL,
    station_id             text,
    youth_id               text,
    appeal_id              text,
    status                 text NOT NULL,
    opened_at              timestamptz NOT NULL,
    first_response_due     timestamptz NOT NULL,
    resolve_due            timestamptz NOT NULL,
    assignee               text,
    triaged_at             timestamptz,
    first_response_in_time boolean,              -- null until triaged
    first_response_overdue boolean NOT NULL DEFAULT false,
    agency                 text,                 -- the agency of the current (or last) referral
    agency_reason          text,                 -- the agency's reason when it declined
    outcome                text,
    resolved_at            timestamptz,
    resolved_in_time       boolean,
    resolution_overdue     boolean NOT NULL DEFAULT false,
    rating                 int,
    reopened               int NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS cs_cases_list ON cs_cases (district, opened_at DESC, case_id DESC);
CREATE INDEX IF NOT EXISTS cs_cases_recent ON cs_cases (opened_at DESC, case_id DESC);
CREATE INDEX IF NOT EXISTS cs_cases_youth ON cs_cases (youth_id) WHERE youth_id IS NOT NULL;
