-- The dashboard's date range reaches the stations' figures:
-- person-times per Beijing day (gateway/views/stations_daily.py; its own projection, rebuilt from the topic),
-- and the station an event is held at (Event.station; events projected before this migration keep null
-- until the stations projection is rebuilt).
CREATE TABLE IF NOT EXISTS st_service_daily (
    station_id   text NOT NULL,
    service_type text NOT NULL,
    day          date NOT NULL,           -- Beijing calendar day of delivery
    district     text NOT NULL,
    station_kind text NOT NULL,
    count        integer NOT NULL,
    registered   integer NOT NULL,
    PRIMARY KEY (day, station_id, service_type)
);
CREATE INDEX IF NOT EXISTS st_service_daily_district ON st_service_daily (district, day);

ALTER TABLE st_events ADD COLUMN IF NOT EXISTS station_id text;
