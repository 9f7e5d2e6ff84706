-- Read models of the stations service (public attributes and pseudonymous ids only).
CREATE TABLE IF NOT EXISTS st_stations (
    station_id    text PRIMARY KEY,
    kind          text NOT NULL,
    name          text NOT NULL,
    district      text NOT NULL,
    address       text NOT NULL,
    lat           double precision NOT NULL,
    lon           double precision NOT NULL,
    operator      text NOT NULL,
    opening_hours text NOT NULL,
    services      text[] NOT NULL,
    status        text NOT NULL
);
CREATE INDEX IF NOT EXISTS st_stations_list ON st_stations (district, kind, name, station_id);
-- The bounding-box prefilter of the nearest-station query (no PostGIS): a plain btree on lat, lon.
CREATE INDEX IF NOT EXISTS st_stations_geo ON st_stations (lat, lon) WHERE status = 'OPEN';

-- Person-times, kept as counts per station, service type and Beijing month (never one row per visit).
CREATE TABLE IF NOT EXISTS st_service_counts (
    station_id   text NOT NULL,
    service_type text NOT NULL,
    month        text NOT NULL,           -- YYYY-MM, Beijing time
    district     text NOT NULL,
    station_kind text NOT NULL,
    count        integer NOT NULL,
    registered   integer NOT NULL,        -- of which by registered youth (the rest anonymous)
    PRIMARY KEY (station_id, service_type, month)
);
CREATE INDEX IF NOT EXISTS st_service_counts_district ON st_service_counts (district, month);

CREATE TABLE IF NOT EXISTS st_programmes (
    programme_id text PRIMARY KEY,
    name         text NOT NULL,
    kind         text NOT NULL,
    district     text NOT NULL,
    starts_on    date NOT NULL,
    sessions     integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS st_enrolments (
    programme_id text NOT NULL,
    youth_id     text NOT NULL,
    district     text NOT NULL,
    enrolled_on  date NOT NULL,
    attended     integer NOT NULL DEFAULT 0,
    result       text,
    scholarship  numeric(12, 2),
    paid_on      date,
    PRIMARY KEY (programme_id, youth_id)
);

CREATE TABLE IF NOT EXISTS st_events (
    event_id   text PRIMARY KEY,
    kind       text NOT NULL,
    title      text NOT NULL,
    district   text NOT NULL,
    starts_at  timestamptz NOT NULL,
    capacity   integer NOT NULL,
    registered integer NOT NULL DEFAULT 0,
    attended   integer NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS st_appeals (
    appeal_id          text PRIMARY KEY,
    service_request_id text NOT NULL,
    service_name       text NOT NULL,
    tier               text NOT NULL,
    district           text NOT NULL,
    received_at        timestamptz NOT NULL,
    contact_due        timestamptz NOT NULL,
    resolve_due        timestamptz NOT NULL,
    status             text NOT NULL,
    unit               text,
    dispatched_at      timestamptz,
    month              text,                -- Beijing month of dispatch: the ranking month
    contacted_in_time  boolean,             -- null until contacted
    contact_overdue    boolean NOT NULL DEFAULT false,
    resolved_in_time   boolean,             -- null until resolved
    resolution_overdue boolean NOT NULL DEFAULT false,
    satisfaction       text
);
CREATE INDEX IF NOT EXISTS st_appeals_list ON st_appeals (district, received_at DESC, appeal_id);
CREATE INDEX IF NOT EXISTS st_appeals_month ON st_appeals (month, unit);
