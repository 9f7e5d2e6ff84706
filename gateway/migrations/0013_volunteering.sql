-- Volunteering's dashboard figures (issue 19), kept as counters per district × Beijing day of the shift by the
-- volunteering projection (gateway/projections/volunteering.py) in its own transaction: shifts published,
-- hours served (in minutes: exact sums) and people-shifts served. No youth id: a person's erasure leaves them.
CREATE TABLE IF NOT EXISTS vo_day_counts (
    district text NOT NULL,
    day      date NOT NULL,
    shifts   integer NOT NULL DEFAULT 0,
    minutes  bigint NOT NULL DEFAULT 0,
    served   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (district, day)
);
