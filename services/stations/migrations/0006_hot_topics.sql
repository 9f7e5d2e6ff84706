-- 12345 appeals: the citizen's words, address and location are sealed with the appeal's own key (subject =
-- the appeal's stream id, in person_keys); rows imported before this migration keep their plain columns.
ALTER TABLE appeal_details ADD COLUMN IF NOT EXISTS sealed bytea;

-- Every read of an appeal's text and address: who, when, which appeal, why (never the text itself).
CREATE TABLE IF NOT EXISTS appeal_reads (
    id        bigserial PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT now(),
    actor     text NOT NULL,
    roles     text[] NOT NULL,
    district  text,
    appeal_id text NOT NULL,
    purpose   text NOT NULL
);
CREATE INDEX IF NOT EXISTS appeal_reads_appeal ON appeal_reads (appeal_id, at);

-- Appeals per category × district × Beijing ISO week (YYYY-Www), moved in the categorising command's
-- transaction: what the hot-topic job compares with the weeks before.
CREATE TABLE IF NOT EXISTS appeal_week_counts (
    category text NOT NULL,
    district text NOT NULL,
    week     text NOT NULL,
    count    int NOT NULL,
    PRIMARY KEY (week, category, district)
);

-- A case opened from an appeal: erasure of the case's youth also shreds the appeal's key (its text is theirs).
ALTER TABLE case_subjects ADD COLUMN IF NOT EXISTS appeal_id text;

-- Governance items not yet done, with their deadline (the end of the due day, Beijing): the overdue job's scan.
CREATE TABLE IF NOT EXISTS governance_deadlines (
    item_id text PRIMARY KEY,
    due_at  timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS governance_deadlines_due ON governance_deadlines (due_at);
