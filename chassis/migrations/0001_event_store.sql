-- The event store every service keeps in its own database.
-- `data` is the public payload (published to Kafka); `sealed` holds personal fields encrypted with
-- the subject's own key (registry only; never published; unreadable once the key is destroyed).
CREATE TABLE IF NOT EXISTS events (
    global_position bigserial PRIMARY KEY,
    event_id        uuid        NOT NULL UNIQUE,
    stream_id       text        NOT NULL,
    version         integer     NOT NULL CHECK (version > 0),
    event_type      text        NOT NULL,
    data            jsonb       NOT NULL,
    sealed          bytea,
    metadata        jsonb       NOT NULL DEFAULT '{}',
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream_id, version)
);

-- Transactional outbox: one row per event to publish, written in the append's transaction and
-- deleted by the relay once Kafka acknowledged it. Draining a table (instead of tailing `events`
-- by position) cannot skip an event whose transaction committed after a higher position.
CREATE TABLE IF NOT EXISTS outbox (
    id              bigserial PRIMARY KEY,
    global_position bigint NOT NULL REFERENCES events (global_position) ON DELETE CASCADE,
    topic           text   NOT NULL
);

-- Consumers' inbox: the last version of each stream a projection applied, written in the same
-- transaction as the projection's effect. It dedupes redeliveries and serves read-your-writes.
CREATE TABLE IF NOT EXISTS projection_streams (
    projection text    NOT NULL,
    stream_id  text    NOT NULL,
    version    integer NOT NULL,
    PRIMARY KEY (projection, stream_id)
);

-- Per projection and partition: how far it got and how old the newest applied event is (lag metrics).
CREATE TABLE IF NOT EXISTS projection_checkpoints (
    projection   text        NOT NULL,
    topic        text        NOT NULL,
    partition    integer     NOT NULL,
    next_offset  bigint      NOT NULL,
    event_time   timestamptz,
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (projection, topic, partition)
);
