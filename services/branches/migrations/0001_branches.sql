-- The branches service's own view of registry events (services/branches/views.py): who exists, in
-- which district, and the league-age window. No names, mobiles or birth dates; erased people keep
-- only their pseudonymous id and the status ERASED.
CREATE TABLE IF NOT EXISTS youth_facts (
    youth_id         text PRIMARY KEY,
    status           text NOT NULL DEFAULT 'ACTIVE',   -- ACTIVE | DEACTIVATED | ERASED | MERGED
    district         text,
    subtype          text,
    league_age_from  date,
    league_age_until date
);
CREATE INDEX IF NOT EXISTS youth_facts_until ON youth_facts (league_age_until) WHERE status = 'ACTIVE';

-- Write side, kept in each membership command's transaction (services/branches/roster.py): the
-- current state of every membership stream, so that dissolving a branch can count what is still open
-- and the scheduled jobs find over-age members and stale transfers without replaying streams.
CREATE TABLE IF NOT EXISTS roster (
    youth_id            text PRIMARY KEY,
    status              text NOT NULL,                 -- NONE | APPLIED | MEMBER
    branch_id           text,
    transfer_to         text,
    transfer_expires_on date
);
CREATE INDEX IF NOT EXISTS roster_branch ON roster (branch_id) WHERE status <> 'NONE';
CREATE INDEX IF NOT EXISTS roster_transfer_to ON roster (transfer_to) WHERE transfer_to IS NOT NULL;
CREATE INDEX IF NOT EXISTS roster_transfer_expiry ON roster (transfer_expires_on) WHERE transfer_expires_on IS NOT NULL;

-- Invitation codes → branch (the code is what a rider types; the branch stream holds its rules).
CREATE TABLE IF NOT EXISTS invitation_codes (
    code       text PRIMARY KEY,
    branch_id  text NOT NULL,
    expires_at timestamptz NOT NULL,
    closed     boolean NOT NULL DEFAULT false
);
CREATE INDEX IF NOT EXISTS invitation_codes_open ON invitation_codes (expires_at) WHERE NOT closed;
