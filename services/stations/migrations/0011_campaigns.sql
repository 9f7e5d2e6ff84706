-- Media campaigns (「小岗位 大英雄」, issue 19): the campaigns as launched (the league's own words: public) and
-- their entries. An entry's title and link are the entrant's own content: kept only here, sealed with the
-- entry's key (chassis/vault.py, subject `campaign-entry-<id>` in the key store), never on an event. The
-- entrant's erasure shreds that key, drops the sealed blob and unlinks youth_id; the row and its status stay
-- (the counts stay).
CREATE TABLE IF NOT EXISTS campaigns (
    campaign_id text PRIMARY KEY,
    district    text,                  -- NULL: city-wide (the city's league office)
    title       text NOT NULL,
    theme       text NOT NULL,
    opens_on    date NOT NULL,
    closes_on   date NOT NULL,
    audiences   text[] NOT NULL,
    closed      boolean NOT NULL DEFAULT false,
    launched_on date NOT NULL
);
CREATE INDEX IF NOT EXISTS campaigns_open ON campaigns (closes_on) WHERE NOT closed;

CREATE TABLE IF NOT EXISTS campaign_entries (
    entry_id     text PRIMARY KEY,
    campaign_id  text NOT NULL REFERENCES campaigns (campaign_id),
    youth_id     text,                 -- NULL once the entrant is erased
    status       text NOT NULL,
    sealed       bytea,                -- {"title", "link"} sealed with the entry's key; NULL once erased
    note         text NOT NULL DEFAULT '',
    submitted_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS campaign_entries_youth ON campaign_entries (youth_id) WHERE youth_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS campaign_entries_campaign ON campaign_entries (campaign_id, status);
