"""Append-only event store with optimistic concurrency and a transactional outbox.

`append` writes the events and their outbox rows in the caller's transaction, so an accepted command
is either stored *and* queued for Kafka, or not at all. Kafka is never on this path.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from opentelemetry import trace

from . import metrics
from .codec import EventCodec, Sealer
from .envelope import Envelope
from .errors import VersionConflict
from .tracing import current_traceparent

tracer = trace.get_tracer("xinqing.eventstore")
OUTBOX_CHANNEL = "xq_outbox"


@dataclass(frozen=True)
class Stream:
    stream_id: str
    version: int
    events: list[Any]


class EventStore:
    def __init__(self, source: str, codec: EventCodec, topic: str, sealer: Sealer | None = None):
        self.source = source  # CloudEvents source, e.g. /xinqing/registry
        self.codec = codec
        self.topic = topic
        self.sealer = sealer

    async def load(self, conn: asyncpg.Connection, stream_id: str) -> Stream:
        with tracer.start_as_current_span("eventstore.load", attributes={"xq.stream": stream_id}):
            rows = await conn.fetch(
                "SELECT version, event_type, data, sealed FROM events WHERE stream_id = $1 ORDER BY version",
                stream_id)
            events = [await self._decode(conn, stream_id, r) for r in rows]
            return Stream(stream_id, rows[-1]["version"] if rows else 0, events)

    async def _decode(self, conn, stream_id: str, row) -> Any:
        personal = None
        if row["sealed"] is not None and self.sealer is not None:
            personal = await self.sealer.unseal(conn, stream_id, row["sealed"])
        data = row["data"] if personal or row["sealed"] is None else {
            **row["data"], **self.codec.erased_placeholder(row["event_type"])}
        return self.codec.decode(row["event_type"], data, personal)

    async def append(self, conn: asyncpg.Connection, stream_id: str, expected_version: int,
                     events: list[Any], *, correlation_id: str | None = None,
                     causation_id: str | None = None) -> list[Envelope]:
        """Append after `expected_version`; the caller holds the transaction."""
        if not events:
            return []
        with tracer.start_as_current_span("eventstore.append",
                                          attributes={"xq.stream": stream_id, "xq.events": len(events)}):
            traceparent = current_traceparent()
            now = datetime.now(UTC)
            envelopes: list[Envelope] = []
            rows = []
            for i, event in enumerate(events, start=1):
                event_type, public, private = self.codec.encode(event)
                sealed = None
                if private is not None:
                    if self.sealer is None:
                        raise RuntimeError(f"{event_type} carries personal fields but this store has no sealer")
                    sealed = await self.sealer.seal(conn, stream_id, private)
                env = Envelope(id=uuid.uuid4(), type=event_type, source=self.source, subject=stream_id,
                               stream_version=expected_version + i, time=now, data=public,
                               traceparent=traceparent, correlation_id=correlation_id,
                               causation_id=causation_id)
                envelopes.append(env)
                rows.append((env.id, stream_id, env.stream_version, event_type, public, sealed, env.metadata(), now))
            try:
                async with conn.transaction():  # a savepoint: after a conflict we can still read
                    positions = await conn.fetch(
                        """INSERT INTO events (event_id, stream_id, version, event_type, data, sealed, metadata,
                                                recorded_at)
                           SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::jsonb[],
                                                $6::bytea[], $7::jsonb[], $8::timestamptz[])
                           RETURNING global_position""",
                        *map(list, zip(*rows)))
            except asyncpg.UniqueViolationError:
                current = await conn.fetchval(
                    "SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream_id)
                raise VersionConflict(stream_id, expected_version, current) from None
            await conn.execute(
                "INSERT INTO outbox (global_position, topic) SELECT unnest($1::bigint[]), $2",
                [p["global_position"] for p in positions], self.topic)
            await conn.execute("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
            for env in envelopes:
                metrics.EVENTS_APPENDED.add(1, {"event_type": env.type})
            return [
                Envelope(**{**e.__dict__, "global_position": p["global_position"]})
                for e, p in zip(envelopes, positions)
            ]

    async def append_new_streams(self, conn: asyncpg.Connection, streams: list[tuple[str, list[Any]]], *,
                                 sealer: Sealer | None = None, correlation_id: str | None = None) -> int:
        """Bulk path (imports): start many new streams with one INSERT; any of them already existing is a
        VersionConflict for the whole call (the caller's transaction rolls back). Returns events written."""
        sealer = sealer or self.sealer
        traceparent = current_traceparent()
        now = datetime.now(UTC)
        rows = []
        for stream_id, events in streams:
            for version, event in enumerate(events, start=1):
                event_type, public, private = self.codec.encode(event)
                sealed = await sealer.seal(conn, stream_id, private) if private is not None else None
                env = Envelope(id=uuid.uuid4(), type=event_type, source=self.source, subject=stream_id,
                               stream_version=version, time=now, data=public, traceparent=traceparent,
                               correlation_id=correlation_id)
                rows.append((env.id, stream_id, version, event_type, public, sealed, env.metadata(), now))
        if not rows:
            return 0
        with tracer.start_as_current_span("eventstore.append_new_streams", attributes={"xq.events": len(rows)}):
            try:
                async with conn.transaction():
                    positions = await conn.fetch(
                        """INSERT INTO events (event_id, stream_id, version, event_type, data, sealed, metadata,
                                                recorded_at)
                           SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::jsonb[],
                                                $6::bytea[], $7::jsonb[], $8::timestamptz[])
                           RETURNING global_position""",
                        *map(list, zip(*rows)))
            except asyncpg.UniqueViolationError:
                raise VersionConflict("(bulk)", 0, 1) from None
            await conn.execute("INSERT INTO outbox (global_position, topic) SELECT unnest($1::bigint[]), $2",
                               sorted(p["global_position"] for p in positions), self.topic)
            await conn.execute("SELECT pg_notify($1, '')", OUTBOX_CHANNEL)
            return len(rows)
