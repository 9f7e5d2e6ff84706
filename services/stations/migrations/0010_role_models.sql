-- 榜样选树 (issue 19): each nomination as staff, the nominee and the public list read it, written in the command's
-- transaction. The public profile (name, photo reference, story) is only here, sealed with the nomination's own
-- key (subject = the nomination's stream id, in person_keys): never in an event, a read model or a log. Erasure
-- of the nominee shreds that key, empties `sealed` and removes the person's id; the row (and every count) stays.
CREATE TABLE IF NOT EXISTS role_models (
    nomination_id text PRIMARY KEY,
    youth_id      text,                      -- NULL once the nominee was erased
    district      text NOT NULL,
    status        text NOT NULL,             -- NOMINATED | SELECTED | DECLINED | WITHDRAWN
    consent       text NOT NULL,             -- PENDING | GIVEN | REFUSED
    year          integer,                   -- the list it was selected into
    nominated_at  timestamptz NOT NULL,
    sealed        bytea                      -- the profile (JSON), sealed; NULL once shredded
);
CREATE INDEX IF NOT EXISTS role_models_youth ON role_models (youth_id);
CREATE INDEX IF NOT EXISTS role_models_list ON role_models (year, status);
CREATE INDEX IF NOT EXISTS role_models_district ON role_models (district, nominated_at);

-- Talks (宣讲) given by selected role models, for the staff's list (no personal data: venue, place, audience).
CREATE TABLE IF NOT EXISTS role_model_talks (
    nomination_id text NOT NULL,
    talk_id       text NOT NULL,
    district      text NOT NULL,
    venue_kind    text NOT NULL,
    place         text NOT NULL,
    given_on      date NOT NULL,
    audience      integer NOT NULL,
    PRIMARY KEY (nomination_id, talk_id)
);
CREATE INDEX IF NOT EXISTS role_model_talks_district ON role_model_talks (district, given_on);
