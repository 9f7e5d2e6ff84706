-- Issue 18: the joint meeting's own work. The measures gain their target date, the day they were defined
-- (a measure never reported on is stale a quarter after it), the last report's department and evidence
-- links; the supporting departments' contributions; the joint meetings and their action items.
-- Department codes and district codes only: no personal data.
ALTER TABLE br_measures ADD COLUMN IF NOT EXISTS target_on date;
ALTER TABLE br_measures ADD COLUMN IF NOT EXISTS defined_on date;
ALTER TABLE br_measures ADD COLUMN IF NOT EXISTS reported_by text;          -- department code; NULL: the league office
ALTER TABLE br_measures ADD COLUMN IF NOT EXISTS evidence text[] NOT NULL DEFAULT '{}';

CREATE TABLE IF NOT EXISTS br_contributions (
    event_id       text PRIMARY KEY,
    measure_id     text NOT NULL,
    department     text NOT NULL,
    note           text NOT NULL,
    contributed_on date NOT NULL,
    evidence       text[] NOT NULL
);
CREATE INDEX IF NOT EXISTS br_contributions_measure ON br_contributions (measure_id, contributed_on);

CREATE TABLE IF NOT EXISTS jm_meetings (
    meeting_id text PRIMARY KEY,
    level      text NOT NULL,                   -- CITY | DISTRICT
    district   text,                            -- NULL: the city's meeting
    held_on    date NOT NULL,
    attending  text[] NOT NULL,                 -- department codes
    topics     text[] NOT NULL,
    decisions  text[] NOT NULL
);
CREATE INDEX IF NOT EXISTS jm_meetings_list ON jm_meetings (held_on DESC, meeting_id);

CREATE TABLE IF NOT EXISTS jm_items (
    item_id       text PRIMARY KEY,
    meeting_id    text NOT NULL,
    decision      text NOT NULL,
    title         text NOT NULL,
    assignee_kind text NOT NULL,                -- DEPARTMENT | DISTRICT
    assignee      text NOT NULL,
    district      text,                         -- the assignee district, else the meeting's district; NULL: city
    due_on        date NOT NULL,
    status        text NOT NULL DEFAULT 'OPEN', -- OPEN | DONE
    overdue       boolean NOT NULL DEFAULT false,
    last_note     text,
    noted_on      date,
    done_on       date
);
CREATE INDEX IF NOT EXISTS jm_items_open ON jm_items (due_on, item_id) WHERE status = 'OPEN';
CREATE INDEX IF NOT EXISTS jm_items_meeting ON jm_items (meeting_id);
