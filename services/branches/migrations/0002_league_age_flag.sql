-- The registry no longer publishes league-age dates (the birth date in disguise): `youth_facts` keeps the
-- `league_age` flag of registered.v1 (NULL: the registry did not say) and the marker set on
-- league-age-ended.v1. The end of league age is the registry's event now, not a date-based job here.
DROP INDEX IF EXISTS youth_facts_until;
ALTER TABLE youth_facts DROP COLUMN IF EXISTS league_age_from;
ALTER TABLE youth_facts DROP COLUMN IF EXISTS league_age_until;
ALTER TABLE youth_facts ADD COLUMN IF NOT EXISTS league_age boolean;
ALTER TABLE youth_facts ADD COLUMN IF NOT EXISTS league_age_ended boolean NOT NULL DEFAULT false;
