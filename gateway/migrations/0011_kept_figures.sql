-- Dashboard figures kept as counters in the projections' own transactions (issue 21), so that a dashboard
-- read sums a few small rows instead of counting people, members or person-times. Each is filled here
-- from the rows already projected (the same recount gateway/tables/recount.py checks them against).

-- Riders and couriers (ACTIVE) who are members of a branch, per the youth's district. Moved by two
-- projections (gateway/projections/coverage.py): the youth projection when a person's subtype, status or
-- district changes, the branches projection when a membership begins or ends. Each keeps its own rows
-- (`source`), so the two consumers never wait on each other's counter rows; the figure is their sum.
CREATE TABLE IF NOT EXISTS cv_in_branch (
    district text NOT NULL,
    source   text NOT NULL,             -- 'youth' | 'branches': the projection that moved it
    n        integer NOT NULL,
    PRIMARY KEY (district, source)
);
INSERT INTO cv_in_branch (district, source, n)
SELECT y.district, 'youth', count(*)::int FROM youth y JOIN br_members m USING (youth_id)
 WHERE y.subtype IN ('DELIVERY_RIDER', 'COURIER') AND y.status = 'ACTIVE' GROUP BY y.district
ON CONFLICT (district, source) DO NOTHING;

-- Current members per branch district and day joined (members per district; members joined in a range).
CREATE TABLE IF NOT EXISTS br_member_days (
    district  text NOT NULL,
    joined_on date NOT NULL,
    n         integer NOT NULL,
    PRIMARY KEY (district, joined_on)
);
INSERT INTO br_member_days (district, joined_on, n)
SELECT district, joined_on, count(*)::int FROM br_members GROUP BY district, joined_on
ON CONFLICT (district, joined_on) DO NOTHING;

-- Pending applications per district.
CREATE TABLE IF NOT EXISTS br_application_counts (
    district text PRIMARY KEY,
    n        integer NOT NULL
);
INSERT INTO br_application_counts (district, n)
SELECT district, count(*)::int FROM br_applications GROUP BY district
ON CONFLICT (district) DO NOTHING;

-- Transfers per status, for the city ('') and for each district they leave or enter (once when the same).
CREATE TABLE IF NOT EXISTS br_transfer_counts (
    district text NOT NULL,
    status   text NOT NULL,
    n        integer NOT NULL,
    PRIMARY KEY (district, status)
);
INSERT INTO br_transfer_counts (district, status, n)
SELECT d, status, count(*)::int FROM (
    SELECT '' AS d, status FROM br_transfers UNION ALL SELECT from_district, status FROM br_transfers
    UNION ALL SELECT to_district, status FROM br_transfers WHERE to_district <> from_district) t
 GROUP BY 1, 2
ON CONFLICT (district, status) DO NOTHING;

-- Person-times rolled up from st_service_counts (station × service type × month): per district × service
-- type × month (by type, by district, by month) and per station × month (the busiest stations).
CREATE TABLE IF NOT EXISTS st_pt_district (
    district     text NOT NULL,
    service_type text NOT NULL,
    month        text NOT NULL,           -- YYYY-MM, Beijing time
    count        integer NOT NULL,
    registered   integer NOT NULL,
    PRIMARY KEY (district, service_type, month)
);
INSERT INTO st_pt_district (district, service_type, month, count, registered)
SELECT district, service_type, month, sum(count)::int, sum(registered)::int FROM st_service_counts
 GROUP BY district, service_type, month
ON CONFLICT (district, service_type, month) DO NOTHING;

CREATE TABLE IF NOT EXISTS st_pt_station (
    station_id text NOT NULL,
    month      text NOT NULL,
    district   text NOT NULL,
    count      integer NOT NULL,
    PRIMARY KEY (station_id, month)
);
CREATE INDEX IF NOT EXISTS st_pt_station_district ON st_pt_station (district, month);
INSERT INTO st_pt_station (station_id, month, district, count)
SELECT station_id, month, min(district), sum(count)::int FROM st_service_counts GROUP BY station_id, month
ON CONFLICT (station_id, month) DO NOTHING;

-- The programmes' enrolment figures per programme × the enrolled person's district.
CREATE TABLE IF NOT EXISTS st_programme_counts (
    programme_id text NOT NULL,
    district     text NOT NULL,
    enrolments   integer NOT NULL,
    examined     integer NOT NULL,
    passed       integer NOT NULL,
    scholarships integer NOT NULL,
    amount       numeric(14, 2) NOT NULL,
    PRIMARY KEY (programme_id, district)
);
INSERT INTO st_programme_counts (programme_id, district, enrolments, examined, passed, scholarships, amount)
SELECT programme_id, district, count(*)::int, count(result)::int, count(*) FILTER (WHERE result = 'PASSED')::int,
       count(scholarship)::int, coalesce(sum(scholarship), 0) FROM st_enrolments GROUP BY 1, 2
ON CONFLICT (programme_id, district) DO NOTHING;
