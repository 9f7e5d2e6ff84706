-- Write side of 推优 (services/branches/commands.py keeps it in each recommendation command's
-- transaction): one row per recommendation, read by the district's list and by the member's own view.
-- Erasure keeps the row (the counts stay) and removes the person's link (youth_id NULL).
CREATE TABLE IF NOT EXISTS recommendations (
    recommendation_id text PRIMARY KEY,
    youth_id          text,                        -- NULL once the person is erased
    kind              text NOT NULL,               -- PARTY | HONOUR
    branch_id         text NOT NULL,
    district          text NOT NULL,
    status            text NOT NULL,               -- RECOMMENDED | ACCEPTED | RETURNED | ADOPTED | NOT_ADOPTED | WITHDRAWN | ENDED
    recommended_on    date NOT NULL,
    note              text NOT NULL DEFAULT '',
    decided_on        date
);
CREATE INDEX IF NOT EXISTS recommendations_district ON recommendations (district, recommended_on DESC);
CREATE INDEX IF NOT EXISTS recommendations_youth ON recommendations (youth_id) WHERE youth_id IS NOT NULL;
