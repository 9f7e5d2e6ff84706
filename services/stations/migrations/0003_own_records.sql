-- A young person's own bookings and enrolments, written in the command's transaction (whoever made them:
-- the person or station staff), so `me` lists them without replaying every event stream; and the words of
-- a rating (its event carries the score only). Pseudonymous ids; all of it deleted on erasure.
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

CREATE TABLE IF NOT EXISTS rating_comments (
    station_id text NOT NULL,
    youth_id   text NOT NULL,
    rated_on   date NOT NULL,
    comment    text NOT NULL,
    PRIMARY KEY (station_id, youth_id, rated_on)
);
CREATE INDEX IF NOT EXISTS rating_comments_youth ON rating_comments (youth_id);
