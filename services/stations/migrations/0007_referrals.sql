-- Referrals to agencies (partner.<agency>.referrals) and the replies read from partner.<agency>.replies.
-- `case_ref` is the agency's own reference of a case (HMAC under the agency's key, like its pseudonyms):
-- replies name it, and only this table maps it back. `youth_id` lets erasure find the person's referrals.
CREATE TABLE IF NOT EXISTS referrals (
    agency      text        NOT NULL,
    case_ref    text        NOT NULL,
    case_id     text        NOT NULL,
    youth_id    text,
    referred_at timestamptz NOT NULL,
    PRIMARY KEY (agency, case_ref)
);
CREATE INDEX IF NOT EXISTS referrals_youth ON referrals (youth_id) WHERE youth_id IS NOT NULL;

-- Each reply once (its ce_id, per agency): a redelivered reply changes nothing and is not dead-lettered twice.
CREATE TABLE IF NOT EXISTS agency_replies (
    agency      text        NOT NULL,
    reply_id    text        NOT NULL,
    verdict     text        NOT NULL,  -- applied, or the dead-letter reason
    received_at timestamptz NOT NULL,
    PRIMARY KEY (agency, reply_id)
);

-- The youth sees where their referred case stands at the agency too.
ALTER TABLE youth_cases ADD COLUMN IF NOT EXISTS agency_status text;
