-- Partner messages wait here for their agency's next release (services/partners/release.py): each agency's
-- messages leave on its own schedule, with jitter drawn for it alone, in an order shuffled for it alone, and with
-- `ce_time` coarsened (`at`), so that two agencies cannot line up their pseudonyms by timing or order.
-- An erasure redacts the waiting messages as it does the published ones.
CREATE TABLE IF NOT EXISTS partner_pending (
    id      bigserial   PRIMARY KEY,
    agency  text        NOT NULL,
    subject text        NOT NULL,                    -- the agency's pseudonym of the person
    type    text        NOT NULL,
    data    jsonb       NOT NULL,
    at      timestamptz NOT NULL                     -- the message's ce_time, already coarsened
);
CREATE INDEX IF NOT EXISTS partner_pending_agency ON partner_pending (agency, id);

CREATE TABLE IF NOT EXISTS partner_release (
    agency  text        PRIMARY KEY,
    next_at timestamptz NOT NULL                     -- the agency's next release
);
