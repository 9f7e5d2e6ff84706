"""Append-only event store with optimistic concurrency and a transactional outbox.

`append` writes the events and their outbox rows in the caller's transaction, so an accepted command
is either stored *and* queued for Kafka, or not at all. Kafka is never on this path.
"""
from __future__ import annotations

import re
import uuid
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

import asyncpg
from opentelemetry import trace

from . import metrics
from .clock import utc_now
from .codec import EventCodec, Sealer
from .db import Connection
from .envelope import Envelope
from .errors import VersionConflict
from .tracing import current_traceparent
from .vault import event_place

tracer = trace.get_tracer("xinqing.eventstore")
OUTBOX_CHANNEL = "xq_outbox"

# One round trip per append: the events, their outbox rows (in position order, which per stream is
# version order) and the NOTIFY that wakes the relay. A taken (stream, version) is skipped rather than
# raised, so no savepoint is needed to read the current version afterwards (`strict`: raised, for a
# statement of its own). `{companions}`: the writes that ride along (Companion), `{returned}`: their rows.
APPEND_SQL = """
WITH appended AS (
    INSERT INTO events (event_id, stream_id, version, event_type, data, sealed, metadata, recorded_at)
    SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[], $4::text[], $5::jsonb[], $6::bytea[], $7::jsonb[],
                         $8::timestamptz[])
    {on_conflict}
    RETURNING global_position, stream_id, version
), queued AS (
    INSERT INTO outbox (global_position, topic) SELECT global_position, $9 FROM appended ORDER BY global_position
){companions}
SELECT a.global_position, a.stream_id, a.version{returned} FROM appended a, pg_notify($10, '') ORDER BY a.global_position
"""
APPEND_PARAMETERS = 10
SKIP_TAKEN, STREAM_VERSION_KEY = "ON CONFLICT (stream_id, version) DO NOTHING", "events_stream_id_version_key"
_PARAMETER = re.compile(r"\$(\d+)")


@dataclass(frozen=True)
class Companion:
    """A write that rides in an append's statement as one more data-modifying CTE, so that the events,
    their outbox rows and the rows a service keeps beside them (query tables, claims, audit) cost one
    round trip. `sql` is one INSERT, UPDATE or DELETE with its own parameters $1…$n (`args`), typed by
    casts; it sees the snapshot of the statement's start, not the events being appended. With
    `returns`, its RETURNING rows are put in `rows` (as dicts, through JSON: keep to text and numbers)
    once the append is done. On a version
    conflict the append takes back its events but not a companion's write: the caller's transaction
    must roll back (the conflict propagates)."""

    sql: str
    args: tuple[Any, ...] = ()
    returns: bool = False
    rows: list[dict[str, Any]] = field(default_factory=list, compare=False)


def _with_companions(companions: list[Companion], first: int) -> tuple[str, str, list[Any]]:
    """-> (their CTEs, their RETURNING rows as columns, their arguments); parameters renumbered from `first`."""
    ctes: list[str] = []
    columns: list[str] = []
    args: list[Any] = []
    for i, c in enumerate(companions):
        sql = _renumbered(c.sql, first - 1 + len(args))
        ctes.append(f", companion_{i} AS ({sql})")
        if c.returns:
            columns.append(f", (SELECT jsonb_agg(to_jsonb(r)) FROM companion_{i} r) AS companion_{i}")
        args.extend(c.args)
    return "".join(ctes), "".join(columns), args


def _renumbered(sql: str, offset: int) -> str:
    return _PARAMETER.sub(lambda m: f"${int(m[1]) + offset}", sql)


async def write_companions(conn: Connection, companions: list[Companion]) -> None:
    """The companions of a command that appended no event, in one statement of their own."""
    if not companions:
        return
    ctes, columns, args = _with_companions(companions, 1)
    row = await conn.fetchrow(f"WITH done AS (SELECT 1){ctes} SELECT 1 AS done{columns}", *args)
    _fill(companions, row)


def _fill(companions: list[Companion], row: Any) -> None:
    for i, c in enumerate(companions):
        if c.returns:
            c.rows[:] = row[f"companion_{i}"] or []


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

    async def load(self, conn: Connection, stream_id: str) -> Stream:
        with tracer.start_as_current_span("eventstore.load", attributes={"xq.stream": stream_id}):
            rows = await conn.fetch(
                "SELECT event_id, version, event_type, data, sealed FROM events WHERE stream_id = $1 ORDER BY version",
                stream_id)
            events = [await self._decode(conn, stream_id, r) for r in rows]
            return Stream(stream_id, rows[-1]["version"] if rows else 0, events)

    async def _decode(self, conn: Connection, stream_id: str, row: asyncpg.Record) -> Any:
        personal = None
        if row["sealed"] is not None and self.sealer is not None:
            personal = await self.sealer.unseal(conn, stream_id, row["sealed"],
                                                event_place(row["event_type"], row["event_id"]))
        data = row["data"] if personal or row["sealed"] is None else {
            **row["data"], **self.codec.erased_placeholder(row["event_type"])}
        return self.codec.decode(row["event_type"], data, personal)

    async def append(self, conn: Connection, stream_id: str, expected_version: int,
                     events: list[Any], *, correlation_id: str | None = None,
                     causation_id: str | None = None, sealer: Sealer | None = None,
                     at: datetime | None = None, companions: list[Companion] | None = None,
                     strict: bool = False) -> list[Envelope]:
        """Append after `expected_version`; the caller holds the transaction. `sealer` replaces the
        store's own for this call (e.g. one that holds the keys of the command's transaction). `at` is the
        events' time (`ce_time`) when it is not now: the partner publisher's coarsened times.
        `companions`: writes in the same statement (Companion); run alone when there is no event.
        `strict`: a taken version fails the whole statement (VersionConflict) instead of being taken back
        — for an append that is a statement of its own, outside a transaction (autocommit), where a
        companion's write could not be rolled back; its companions may fail it the same way."""
        if not events:
            await write_companions(conn, companions or [])
            return []
        with tracer.start_as_current_span("eventstore.append",
                                          attributes={"xq.stream": stream_id, "xq.events": len(events)}):
            (written,) = await self._write(conn, [(stream_id, expected_version, events)], correlation_id,
                                           causation_id, sealer, at, companions or [], strict)
            return written

    async def append_many(self, conn: Connection, appends: list[tuple[str, int, list[Any]]], *,
                          correlation_id: str | None = None, causation_id: str | None = None,
                          sealer: Sealer | None = None) -> list[list[Envelope]]:
        """Bulk: append to many streams at once, `[(stream_id, expected_version, events), …]`, with one
        statement for every event and its outbox row (the caller holds the transaction). All or nothing:
        one stream's conflict raises its `VersionConflict` and leaves none of the others written.
        New streams (expected version 0, e.g. a freshly generated id) are never loaded: the unique
        (stream, version) answers for them. `sealer` replaces the store's for this call (an import seals
        with keys it creates in bulk)."""
        if len({stream for stream, _, _ in appends}) != len(appends):
            raise ValueError("append_many: each stream may appear once (put all its events in one entry)")
        with tracer.start_as_current_span("eventstore.append_many",
                                          attributes={"xq.streams": len(appends),
                                                      "xq.events": sum(len(e) for _, _, e in appends)}):
            return await self._write(conn, appends, correlation_id, causation_id, sealer or self.sealer)

    @staticmethod
    async def _current(conn: Connection, stream_id: str) -> int:
        return int(await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream_id))

    async def _write(self, conn: Connection, appends: list[tuple[str, int, list[Any]]],
                     correlation_id: str | None, causation_id: str | None,
                     sealer: Sealer | None = None, at: datetime | None = None,
                     companions: list[Companion] | None = None, strict: bool = False) -> list[list[Envelope]]:
        sealer = sealer or self.sealer
        traceparent = current_traceparent()
        now = at or utc_now()
        metadata = None  # the same for every event of one call: built once
        envelopes: list[list[Envelope]] = []
        rows = []
        for stream_id, expected_version, events in appends:
            mine = []
            for i, event in enumerate(events, start=1):
                event_type, public, private = self.codec.encode(event)
                event_id = uuid.uuid4()
                sealed = None
                if private is not None:
                    if sealer is None:
                        raise RuntimeError(f"{event_type} carries personal fields but this store has no sealer")
                    sealed = await sealer.seal(conn, stream_id, private, event_place(event_type, event_id))
                env = Envelope(id=event_id, type=event_type, source=self.source, subject=stream_id,
                               stream_version=expected_version + i, time=now, data=public,
                               traceparent=traceparent, correlation_id=correlation_id, causation_id=causation_id)
                mine.append(env)
                metadata = metadata or env.metadata()
                rows.append((env.id, stream_id, env.stream_version, event_type, public, sealed, metadata, now))
            envelopes.append(mine)
        if not rows:
            return envelopes
        ctes, columns, extra = _with_companions(companions or [], APPEND_PARAMETERS + 1)
        sql = APPEND_SQL.format(on_conflict="" if strict else SKIP_TAKEN, companions=ctes, returned=columns)
        try:
            written = await conn.fetch(sql, *map(list, zip(*rows)), self.topic, OUTBOX_CHANNEL, *extra)
        except asyncpg.UniqueViolationError as taken:  # strict: the statement wrote nothing
            if taken.constraint_name != STREAM_VERSION_KEY:
                raise
            stream_id, expected_version, _ = appends[0]  # strict appends are one stream's
            raise VersionConflict(stream_id, expected_version, await self._current(conn, stream_id)) from None
        if len(written) < len(rows):
            # Another writer got there first. Take back what this call did write (its outbox rows go
            # with it), so a caller that catches the conflict cannot commit half an append.
            await conn.execute("DELETE FROM events WHERE global_position = ANY($1::bigint[])",
                               [w["global_position"] for w in written])
            landed = {(w["stream_id"], w["version"]) for w in written}
            stream_id, expected_version, _ = next(
                a for a, envs in zip(appends, envelopes) if any((e.subject, e.stream_version) not in landed for e in envs))
            raise VersionConflict(stream_id, expected_version, await self._current(conn, stream_id))
        _fill(companions or [], written[0])
        for event_type, n in Counter(env.type for envs in envelopes for env in envs).items():
            metrics.EVENTS_APPENDED.add(n, {"event_type": event_type})
        position = {(w["stream_id"], w["version"]): w["global_position"] for w in written}
        return [[replace(e, global_position=position[(e.subject, e.stream_version)]) for e in envs]
                for envs in envelopes]
