-- The end of league age (the day before the 29th birthday) for the registry's monthly sweep
-- (services/registry/league_age.py). Personal (derived from the birth date): never published, kept only
-- in this row, which erasure and merge delete. `league_age_ended`: over league age at registration, or
-- `league-age-ended.v1` recorded.
ALTER TABLE youth_index ADD COLUMN IF NOT EXISTS league_age_until date;
ALTER TABLE youth_index ADD COLUMN IF NOT EXISTS league_age_ended boolean NOT NULL DEFAULT false;
CREATE INDEX IF NOT EXISTS youth_index_league_age ON youth_index (league_age_until)
    WHERE status = 'ACTIVE' AND NOT league_age_ended;
