"""Claims: each (stream, version) a projection applies, recorded in `projection_streams` in the
transaction of its effect, so a redelivered event is recognised and skipped (chassis/projection.py)."""
from __future__ import annotations

from collections.abc import Sequence

import asyncpg

from .db import Connection
from .envelope import Envelope


async def claim(conn: Connection, projection: str, event: Envelope) -> bool:
    """True when `event` is the next version of its stream for this projection (then it is recorded).
    False for a repeat (already applied) or an event whose predecessor has not arrived yet."""
    if event.stream_version == 1:
        row = await conn.fetchrow(
            "INSERT INTO projection_streams (projection, stream_id, version) VALUES ($1, $2, 1) "
            "ON CONFLICT DO NOTHING RETURNING version", projection, event.subject)
    else:
        row = await conn.fetchrow(
            "UPDATE projection_streams SET version = $3 WHERE projection = $1 AND stream_id = $2 "
            "AND version = $3 - 1 RETURNING version", projection, event.subject, event.stream_version)
    return row is not None


# From this many new streams in a batch (a rebuild, a bulk import) their claims go in by COPY: ≈ 1.5 µs less
# PostgreSQL CPU per event than the insert (no speculative insertion, nothing returned; docs/BENCHMARKS.md).
COPY_FROM = 64


class ClaimRace(Exception):
    """A stream this batch inserted a moment ago is gone (a concurrent reset): the batch is rolled back
    and the runner resumes from its checkpoint."""


async def claim_batch(conn: Connection, projection: str, events: Sequence[Envelope]) -> list[bool]:
    """`claim` for a whole batch, in one statement when every stream is new to the projection (new
    registrations, a rebuild), three at most otherwise. -> one verdict per event, in order.

    New streams are claimed by inserting them, without reading first: the insert reports the streams
    that already exist (or that a concurrent claimant inserted first: the insert waits for it, so a
    rebalance overlap reads as repeats, never as a double effect). Only those are read, locked and moved."""
    fresh: dict[str, int] = {}  # stream -> the version its events reach when the stream is new (1, 2, 3…)
    if_new = []
    for e in events:
        ok = e.stream_version == fresh.get(e.subject, 0) + 1
        if ok:
            fresh[e.subject] = e.stream_version
        if_new.append(ok)
    known: set[str] = set()
    streams = sorted(fresh)  # one lock order for every claimant
    if fresh and not (len(streams) >= COPY_FROM and await _copied(conn, projection, streams, fresh)):
        known = {r[0] for r in await conn.fetch(
            "WITH i AS (INSERT INTO projection_streams (projection, stream_id, version) "
            "SELECT $1, s, v FROM unnest($2::text[], $3::int[]) AS t(s, v) ON CONFLICT DO NOTHING RETURNING stream_id) "
            "SELECT s FROM unnest($2::text[]) AS s EXCEPT SELECT stream_id FROM i",
            projection, streams, [fresh[s] for s in streams])}
    claimed_new = fresh.keys() - known
    rest = sorted({e.subject for e in events} - claimed_new)
    if not rest:
        return if_new
    rows = await conn.fetch("SELECT stream_id, version FROM projection_streams WHERE projection = $1 "
                            "AND stream_id = ANY($2::text[]) ORDER BY stream_id FOR UPDATE", projection, rest)
    before = {r["stream_id"]: r["version"] for r in rows}
    now = dict(before)
    verdicts = []
    for e, ok_if_new in zip(events, if_new):
        if e.subject in claimed_new:
            verdicts.append(ok_if_new)
            continue
        ok = e.stream_version == now.get(e.subject, 0) + 1
        if ok:
            now[e.subject] = e.stream_version
        verdicts.append(ok)
    if any(s not in before for s in now):  # claimable only from version 1, which the insert took
        raise ClaimRace(f"{projection}: a stream vanished while it was claimed")
    moved = [s for s in now if now[s] != before[s]]
    if moved:  # rows locked above: nobody else moved them
        await conn.execute(
            "UPDATE projection_streams p SET version = t.v FROM unnest($2::text[], $3::int[]) AS t(s, v) "
            "WHERE p.projection = $1 AND p.stream_id = t.s", projection, moved, [now[s] for s in moved])
    return verdicts


async def _copied(conn: Connection, projection: str, streams: list[str], fresh: dict[str, int]) -> bool:
    """The new streams' claims by COPY, in a savepoint. False, with nothing written, when one of them exists
    already (a redelivery, or a rival claimant that committed first: COPY waits for it like the insert):
    the insert then tells which."""
    try:
        async with conn.transaction():
            await conn.copy_records_to_table("projection_streams", columns=("projection", "stream_id", "version"),
                                             records=[(projection, s, fresh[s]) for s in streams])
        return True
    except asyncpg.UniqueViolationError:
        return False
