-- Registered youth as the registry announces them (pseudonymous id and consent only, nothing
-- personal): a service record keeps a youth id only when that youth consented to SERVICE_RECORDS.
CREATE TABLE IF NOT EXISTS known_youth (
    youth_id        text PRIMARY KEY,
    service_records boolean NOT NULL,
    active          boolean NOT NULL DEFAULT true
);
