-- Read model of registered youth: pseudonymous id and public attributes only, never personal data.
CREATE TABLE IF NOT EXISTS youth (
    youth_id      text PRIMARY KEY,
    district      text NOT NULL,
    youth_type    text NOT NULL,
    subtype       text NOT NULL,
    is_minor      boolean NOT NULL,
    age_band      text NOT NULL,
    registered_on date NOT NULL,
    status        text NOT NULL DEFAULT 'ACTIVE'
);
CREATE INDEX IF NOT EXISTS youth_district ON youth (district, youth_type);

-- Counts kept up to date by the projection, so the dashboard never scans 2 M rows.
CREATE TABLE IF NOT EXISTS youth_counts (
    district   text NOT NULL,
    youth_type text NOT NULL,
    subtype    text NOT NULL,
    count      integer NOT NULL,
    PRIMARY KEY (district, youth_type, subtype)
);
