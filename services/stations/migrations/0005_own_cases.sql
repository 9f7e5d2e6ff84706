-- A young person's own cases (求助个案): those naming them, opened by themselves or by station staff, mirrored
-- in every case command's transaction, so `me { cases }` and their export list them without replaying every
-- case stream. No summary here (it stays sealed in the case's events). A row is inserted only when its case
-- is opened and only updated afterwards, so once deleted on erasure a later step never brings it back.
CREATE TABLE IF NOT EXISTS youth_cases (
    case_id     text PRIMARY KEY,
    youth_id    text NOT NULL,
    source      text NOT NULL,
    category    text NOT NULL,
    urgency     text NOT NULL,
    district    text NOT NULL,
    status      text NOT NULL,
    opened_at   timestamptz NOT NULL,
    agency      text,
    outcome     text,
    rating      smallint
);
CREATE INDEX IF NOT EXISTS youth_cases_youth ON youth_cases (youth_id, opened_at);
