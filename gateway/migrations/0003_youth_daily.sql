-- Registrations per day, district and type: the dashboard's date-range figures and weekly series read
-- this small table (≤ 16 districts × types × days) instead of scanning the youth table.
CREATE TABLE IF NOT EXISTS youth_daily (
    district      text NOT NULL,
    youth_type    text NOT NULL,
    registered_on date NOT NULL,
    count         integer NOT NULL,
    PRIMARY KEY (registered_on, district, youth_type)
);
