-- The 12345 appeals' dashboard figures kept as counters by the stations projection (issue 21;
-- gateway/projections/appeal_figures.py): per district × dispatch month × handling unit, and per district ×
-- Beijing day received × handling unit ('' = no month or no unit yet). Filled from the appeals projected so far.
CREATE TABLE IF NOT EXISTS ap_month_counts (
    district           text NOT NULL,
    month              text NOT NULL,
    unit               text NOT NULL,
    total              integer NOT NULL DEFAULT 0,
    open               integer NOT NULL DEFAULT 0,
    overdue            integer NOT NULL DEFAULT 0,
    contacted_in_time  integer NOT NULL DEFAULT 0,
    contact_due        integer NOT NULL DEFAULT 0,
    resolved_in_time   integer NOT NULL DEFAULT 0,
    resolve_due        integer NOT NULL DEFAULT 0,
    satisfied          integer NOT NULL DEFAULT 0,
    rated              integer NOT NULL DEFAULT 0,
    PRIMARY KEY (district, month, unit)
);
CREATE TABLE IF NOT EXISTS ap_day_counts (
    district           text NOT NULL,
    day                date NOT NULL,
    unit               text NOT NULL,
    total              integer NOT NULL DEFAULT 0,
    open               integer NOT NULL DEFAULT 0,
    overdue            integer NOT NULL DEFAULT 0,
    contacted_in_time  integer NOT NULL DEFAULT 0,
    contact_due        integer NOT NULL DEFAULT 0,
    resolved_in_time   integer NOT NULL DEFAULT 0,
    resolve_due        integer NOT NULL DEFAULT 0,
    satisfied          integer NOT NULL DEFAULT 0,
    rated              integer NOT NULL DEFAULT 0,
    PRIMARY KEY (district, day, unit)
);
CREATE INDEX IF NOT EXISTS ap_day_counts_day ON ap_day_counts (day);

INSERT INTO ap_month_counts (district, month, unit, total, open, overdue, contacted_in_time, contact_due, resolved_in_time, resolve_due, satisfied, rated)
SELECT district, coalesce(month, ''), coalesce(unit, ''),
    count(*)::int, count(*) FILTER (WHERE status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED'))::int,
    count(*) FILTER (WHERE status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED')
                     AND ((contact_overdue AND NOT coalesce(contacted_in_time, false))
                          OR (resolution_overdue AND NOT coalesce(resolved_in_time, false))))::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND contacted_in_time)::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND (contacted_in_time IS NOT NULL OR contact_overdue))::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND resolved_in_time)::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND (resolved_in_time IS NOT NULL OR resolution_overdue))::int,
    count(*) FILTER (WHERE satisfaction IN ('SATISFIED', 'BASICALLY_SATISFIED'))::int,
    count(satisfaction)::int
  FROM st_appeals GROUP BY 1, 2, 3
ON CONFLICT (district, month, unit) DO NOTHING;

INSERT INTO ap_day_counts (district, day, unit, total, open, overdue, contacted_in_time, contact_due, resolved_in_time, resolve_due, satisfied, rated)
SELECT district, (received_at AT TIME ZONE 'Asia/Shanghai')::date, coalesce(unit, ''),
    count(*)::int, count(*) FILTER (WHERE status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED'))::int,
    count(*) FILTER (WHERE status IN ('RECEIVED', 'DISPATCHED', 'CONTACTED')
                     AND ((contact_overdue AND NOT coalesce(contacted_in_time, false))
                          OR (resolution_overdue AND NOT coalesce(resolved_in_time, false))))::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND contacted_in_time)::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND (contacted_in_time IS NOT NULL OR contact_overdue))::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND resolved_in_time)::int,
    count(*) FILTER (WHERE unit IS NOT NULL AND (resolved_in_time IS NOT NULL OR resolution_overdue))::int,
    count(*) FILTER (WHERE satisfaction IN ('SATISFIED', 'BASICALLY_SATISFIED'))::int,
    count(satisfaction)::int
  FROM st_appeals GROUP BY 1, 2, 3
ON CONFLICT (district, day, unit) DO NOTHING;
