-- Which record was merged into which (pseudonymous ids only), so that erasing a person reaches every
-- record merged into the same person (services/registry/commands.py `erase`). Filled from the merge
-- events already recorded.
CREATE TABLE IF NOT EXISTS youth_merges (
    youth_id      text PRIMARY KEY,
    into_youth_id text NOT NULL
);
CREATE INDEX IF NOT EXISTS youth_merges_into ON youth_merges (into_youth_id);
INSERT INTO youth_merges (youth_id, into_youth_id)
SELECT data->>'youth_id', data->>'into_youth_id' FROM events WHERE event_type = 'xq.registry.youth.merged.v1'
ON CONFLICT (youth_id) DO NOTHING;
