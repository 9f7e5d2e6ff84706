-- 榜样选树's dashboard figures (issue 19), kept by the role-models projection (gateway/projections/role_models.py)
-- in its own transaction. Counters only: no youth id, no name, no profile (that stays sealed in the stations
-- service), so a nominee's erasure leaves every count.
-- Per district × year: nominations made in the (Beijing) year, selections into that year's list, and those of
-- the year's list later withdrawn (by staff, or the consent withdrawn).
CREATE TABLE IF NOT EXISTS rm_year_counts (
    district  text NOT NULL,
    year      integer NOT NULL,
    nominated integer NOT NULL DEFAULT 0,
    selected  integer NOT NULL DEFAULT 0,
    withdrawn integer NOT NULL DEFAULT 0,
    PRIMARY KEY (district, year)
);

-- Talks (宣讲) and their audiences per district × year of the talk × venue kind.
CREATE TABLE IF NOT EXISTS rm_talk_counts (
    district   text NOT NULL,
    year       integer NOT NULL,
    venue_kind text NOT NULL,
    talks      integer NOT NULL DEFAULT 0,
    audience   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (district, year, venue_kind)
);
