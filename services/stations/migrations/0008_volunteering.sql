-- Volunteer hours (issue 19): each person's hours per shift, written in the command's transaction, so `me`
-- and a certificate of hours read them without replaying the shifts. Pseudonymous ids only; a person's rows
-- are deleted on erasure (an own list, tables.OWN_LISTS) while the dashboard's totals stay.
CREATE TABLE IF NOT EXISTS youth_volunteer_hours (
    youth_id   text NOT NULL,
    shift_id   text NOT NULL,
    district   text NOT NULL,
    station_id text,
    event_id   text,
    day        date NOT NULL,            -- Beijing day the shift starts
    minutes    integer NOT NULL,
    PRIMARY KEY (youth_id, shift_id)
);

-- Certificates of hours issued (the number is printed on it); erasure unlinks the person, the number stays.
CREATE TABLE IF NOT EXISTS volunteer_certificates (
    number    bigserial PRIMARY KEY,
    youth_id  text,
    minutes   integer NOT NULL,
    issued_at timestamptz NOT NULL
);
CREATE INDEX IF NOT EXISTS volunteer_certificates_youth ON volunteer_certificates (youth_id);
