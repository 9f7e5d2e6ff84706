CREATE TABLE IF NOT EXISTS counter_totals (stream_id text PRIMARY KEY, total bigint NOT NULL, events integer NOT NULL);
-- one row per applied event, in the order applied (seq): proves exactly once and per-stream order
CREATE TABLE IF NOT EXISTS counter_applied (seq bigserial PRIMARY KEY, stream_id text NOT NULL, version integer NOT NULL,
                                            UNIQUE (stream_id, version));
