-- Media campaigns' dashboard figures (issue 19), kept by the campaigns projection (gateway/projections/campaigns.py)
-- in its own transaction. `scope` is the campaign's district, or 'city' for a city-wide campaign. No youth id, no
-- entry's title or link (those stay sealed in the stations service): a person's erasure leaves the counts.
CREATE TABLE IF NOT EXISTS mc_campaign_counts (
    scope text PRIMARY KEY,
    open  integer NOT NULL DEFAULT 0   -- launched and not yet closed
);
-- entries standing (submitted minus withdrawn) by the Beijing year they were submitted; selected by the year judged
CREATE TABLE IF NOT EXISTS mc_entry_counts (
    scope    text NOT NULL,
    year     integer NOT NULL,
    entries  integer NOT NULL DEFAULT 0,
    selected integer NOT NULL DEFAULT 0,
    PRIMARY KEY (scope, year)
);
