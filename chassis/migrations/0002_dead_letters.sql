-- Messages a projection could not read (chassis/deadletter.py): kept with the reason, in the
-- transaction that moves the checkpoint past them, so one bad message never stops the consumer.
-- The value and headers are bounded copies (enough to replay an ordinary event after a fix); the
-- database is the consumer's own, like its read model. One row per projection and record.
CREATE TABLE IF NOT EXISTS dead_letters (
    id              bigserial PRIMARY KEY,
    projection      text        NOT NULL,
    topic           text        NOT NULL,
    partition       integer     NOT NULL,
    "offset"        bigint      NOT NULL,
    kind            text        NOT NULL,  -- envelope | unknown_type | payload | oversized
    reason          text        NOT NULL,
    event_type      text,                  -- from the headers, when they could be read
    stream_id       text,
    stream_version  integer,
    key             bytea,
    header_names    text[]      NOT NULL,
    header_values   bytea[]     NOT NULL,
    value           bytea,
    value_size      integer     NOT NULL,  -- of the whole value; `value` keeps at most its first bytes
    complete        boolean     NOT NULL,  -- key, headers and value kept whole: it can be replayed
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    replayed_at     timestamptz,
    UNIQUE (projection, topic, partition, "offset")
);
