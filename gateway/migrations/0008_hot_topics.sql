-- 12345 appeals gain a category (the case taxonomy) and the Beijing week they count in (YYYY-Www).
ALTER TABLE st_appeals ADD COLUMN IF NOT EXISTS category text;
ALTER TABLE st_appeals ADD COLUMN IF NOT EXISTS week text;
CREATE INDEX IF NOT EXISTS st_appeals_topic ON st_appeals (category, district, week, received_at DESC);

-- Hot topics (集中诉求) from xq.stations.governance: one row per category × district × week detected.
CREATE TABLE IF NOT EXISTS gv_hot_topics (
    hot_topic_id text PRIMARY KEY,
    category     text NOT NULL,
    district     text NOT NULL,
    week         text NOT NULL,
    count        int NOT NULL,
    baseline     double precision NOT NULL,
    detected_at  timestamptz NOT NULL,
    item_id      text,                       -- the governance item made of it
    status       text NOT NULL DEFAULT 'OPEN' -- OPEN (no item, or item not done) | DONE (its item done)
);
CREATE INDEX IF NOT EXISTS gv_hot_topics_list ON gv_hot_topics (district, detected_at DESC, hot_topic_id DESC);

-- Governance items (主动治理) and their actions.
CREATE TABLE IF NOT EXISTS gv_items (
    item_id       text PRIMARY KEY,
    hot_topic_id  text NOT NULL,
    category      text NOT NULL,
    district      text NOT NULL,
    week          text NOT NULL,
    title         text NOT NULL,
    assignee_kind text NOT NULL,
    assignee      text NOT NULL,
    due_on        date NOT NULL,
    opened_at     timestamptz NOT NULL,
    status        text NOT NULL DEFAULT 'OPEN',   -- OPEN | DONE
    actions       int NOT NULL DEFAULT 0,
    done_at       timestamptz,
    done_in_time  boolean,
    overdue       boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS gv_items_list ON gv_items (district, opened_at DESC, item_id DESC);

CREATE TABLE IF NOT EXISTS gv_actions (
    item_id text NOT NULL,
    number  int NOT NULL,
    text    text NOT NULL,
    at      timestamptz NOT NULL,
    PRIMARY KEY (item_id, number)
);

-- The dashboard's governance figures per district, moved in the projection's transaction (never recounted).
CREATE TABLE IF NOT EXISTS gv_counts (
    district        text PRIMARY KEY,
    open_hot_topics int NOT NULL DEFAULT 0,
    items_open      int NOT NULL DEFAULT 0,
    items_overdue   int NOT NULL DEFAULT 0   -- open and past their due day
);

-- Case figures (求助个案) for the dashboard, kept as counters by the case-figures projection: per Beijing day of
-- opening × district × category, the cases opened, those given a first response and the seconds it took.
CREATE TABLE IF NOT EXISTS cf_cases (         -- what the counters need to remember of each case
    case_id     text PRIMARY KEY,
    district    text NOT NULL,
    category    text NOT NULL,
    opened_on   date NOT NULL,
    opened_at   timestamptz NOT NULL,
    referred_on date,                          -- the day of the current (or last) referral
    agency      text
);

CREATE TABLE IF NOT EXISTS cf_case_counts (
    day                date NOT NULL,          -- Beijing day the cases were opened
    district           text NOT NULL,
    category           text NOT NULL,
    opened             int NOT NULL DEFAULT 0,
    responded          int NOT NULL DEFAULT 0,
    response_seconds   bigint NOT NULL DEFAULT 0,
    responded_in_time  int NOT NULL DEFAULT 0,
    PRIMARY KEY (day, district, category)
);

-- Referrals per Beijing day of referral × agency × district, and the agencies' answers to them.
CREATE TABLE IF NOT EXISTS cf_referral_counts (
    day      date NOT NULL,
    agency   text NOT NULL,
    district text NOT NULL,
    referred int NOT NULL DEFAULT 0,
    accepted int NOT NULL DEFAULT 0,
    declined int NOT NULL DEFAULT 0,
    PRIMARY KEY (day, agency, district)
);
