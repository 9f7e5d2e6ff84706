-- 推优's dashboard figures (issue 19), kept as counters per district × Beijing year of the recommendation × kind
-- by the recommendations projection (gateway/projections/recommendations.py) in its own transaction: recommended,
-- and adopted. No youth id: a person's erasure leaves the counts.
CREATE TABLE IF NOT EXISTS rc_year_counts (
    district    text NOT NULL,
    year        integer NOT NULL,
    kind        text NOT NULL,
    recommended integer NOT NULL DEFAULT 0,
    adopted     integer NOT NULL DEFAULT 0,
    PRIMARY KEY (district, year, kind)
);
-- which recommendation counts where (its district, year and kind), so the outcome adds to the right row
CREATE TABLE IF NOT EXISTS rc_recommendations (
    recommendation_id text PRIMARY KEY,
    district          text NOT NULL,
    year              integer NOT NULL,
    kind              text NOT NULL
);
