-- A young person's own bookings, enrolments, ratings and the services they received (records that name
-- them), written in the command's transaction (whoever made them: the person or station staff), so `me` and
-- their export (PIPL Art. 45) list them without replaying every event stream. A rating's words live only
-- here (its event carries the score). Pseudonymous ids; all of it deleted on erasure.
CREATE TABLE IF NOT EXISTS youth_bookings (
    youth_id  text NOT NULL,
    event_id  text NOT NULL,
    title     text NOT NULL,
    starts_at timestamptz NOT NULL,
    PRIMARY KEY (youth_id, event_id)
);

CREATE TABLE IF NOT EXISTS youth_enrolments (
    youth_id     text NOT NULL,
    programme_id text NOT NULL,
    name         text NOT NULL,
    enrolled_on  date NOT NULL,
    PRIMARY KEY (youth_id, programme_id)
);

CREATE TABLE IF NOT EXISTS youth_ratings (
    youth_id   text NOT NULL,
    station_id text NOT NULL,
    rated_on   date NOT NULL,
    score      smallint NOT NULL,
    comment    text,
    PRIMARY KEY (youth_id, station_id, rated_on)
);

CREATE TABLE IF NOT EXISTS youth_services (
    youth_id     text NOT NULL,
    record_id    text NOT NULL,
    station_id   text NOT NULL,
    service_type text NOT NULL,
    delivered_on date NOT NULL,         -- Beijing date
    PRIMARY KEY (youth_id, record_id)
);
