-- The 12345 appeals' dashboard figures kept as counters by the stations projection (issue 21;
-- gateway/projections/appeal_figures.py): per district × dispatch month × handling unit, and per district ×
-- Beijing day received × handling unit ('' = no month or no unit yet). Filled from the appeals projected so far.
-- The nine figures, the same columns in both (a template dropped once they are made).
CREATE TABLE ap_figures_template (
    total              integer NOT NULL DEFAULT 0,
    open               integer NOT NULL DEFAULT 0,
    overdue            integer NOT NULL DEFAULT 0,
    contacted_in_time  integer NOT NULL DEFAULT 0,
    contact_due        integer NOT NULL DEFAULT 0,
    resolved_in_time   integer NOT NULL DEFAULT 0,
    resolve_due        integer NOT NULL DEFAULT 0,
    satisfied          integer NOT NULL DEFAULT 0,
    rated              integer NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS ap_month_counts (
    district text NOT NULL,
    month    text NOT NULL,
    unit     text NOT NULL,
    LIKE ap_figures_template INCLUDING DEFAULTS,
    PRIMARY KEY (district, month, unit)
);
CREATE TABLE IF NOT EXISTS ap_day_counts (
    district text NOT NULL,
    day      date NOT NULL,
    unit     text NOT NULL,
    LIKE ap_figures_template INCLUDING DEFAULTS,
    PRIMARY KEY (district, day, unit)
);
DROP TABLE ap_figures_template;
CREATE INDEX IF NOT EXISTS ap_day_counts_day ON ap_day_counts (day);

-- Each appeal's part in the figures (the rates of gateway/tables/stations.py; the same rule in Python:
-- appeal_figures.contribution): what the counters are a sum of, and what the recount sums again.
CREATE OR REPLACE VIEW ap_contributions AS
SELECT district, coalesce(month, '') AS month, (received_at AT TIME ZONE 'Asia/Shanghai')::date AS day,
       coalesce(unit, '') AS unit, 1 AS total,
       (status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED'))::int AS open,
       (status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED')
        AND ((contact_overdue AND NOT coalesce(contacted_in_time, false))
             OR (resolution_overdue AND NOT coalesce(resolved_in_time, false))))::int AS overdue,
       (unit IS NOT NULL AND coalesce(contacted_in_time, false))::int AS contacted_in_time,
       (unit IS NOT NULL AND (contacted_in_time IS NOT NULL OR contact_overdue))::int AS contact_due,
       (unit IS NOT NULL AND coalesce(resolved_in_time, false))::int AS resolved_in_time,
       (unit IS NOT NULL AND (resolved_in_time IS NOT NULL OR resolution_overdue))::int AS resolve_due,
       (coalesce(satisfaction IN ('SATISFIED', 'BASICALLY_SATISFIED'), false))::int AS satisfied,
       (satisfaction IS NOT NULL)::int AS rated
  FROM st_appeals;

INSERT INTO ap_month_counts SELECT district, month, unit, sum(total), sum(open), sum(overdue), sum(contacted_in_time), sum(contact_due), sum(resolved_in_time), sum(resolve_due), sum(satisfied), sum(rated) FROM ap_contributions GROUP BY 1, 2, 3
ON CONFLICT (district, month, unit) DO NOTHING;
INSERT INTO ap_day_counts SELECT district, day, unit, sum(total), sum(open), sum(overdue), sum(contacted_in_time), sum(contact_due), sum(resolved_in_time), sum(resolve_due), sum(satisfied), sum(rated) FROM ap_contributions GROUP BY 1, 2, 3
ON CONFLICT (district, day, unit) DO NOTHING;
