"""Projection consumers: Kafka events into read-model tables, each effect exactly once.

For each batch, one database transaction applies the events, claims each (stream, version) in
`projection_streams` and moves the per-partition checkpoint; Kafka offsets are committed after it.
On (re)assignment the consumer seeks to the database checkpoint, so the database alone decides where
to resume; a redelivered event fails its claim and is skipped. Rebuild = truncate + replay.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from typing import Protocol

import asyncpg
from aiokafka import ConsumerRebalanceListener, TopicPartition
from opentelemetry import trace

from . import metrics
from .background import Background
from .envelope import Envelope, from_kafka
from .faults import fault_point
from .kafka import consumer as make_consumer
from .tracing import context_from_traceparent

log = logging.getLogger(__name__)
tracer = trace.get_tracer("xinqing.projection")


class Projection(Protocol):
    name: str  # the key of its positions; with the namespace, its consumer group
    topics: Sequence[str]
    tables: Sequence[str]  # emptied on rebuild
    stream_prefixes: Sequence[str]  # streams it reads (read-your-writes waits on these)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None: ...

    # Optional: `async def apply_batch(self, conn, events: list[Envelope]) -> None` applies the claimed
    # events of one partition's batch at once (set-based SQL); the runner prefers it when present.


async def claim(conn: asyncpg.Connection, projection: str, event: Envelope) -> bool:
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


class ClaimRace(Exception):
    """Another consumer claimed a stream of this batch concurrently (a rebalance overlap): the batch is
    rolled back and the runner resumes from its checkpoint, where those events read as repeats."""


async def claim_batch(conn: asyncpg.Connection, projection: str, events: Sequence[Envelope]) -> list[bool]:
    """`claim` for a whole batch in three statements instead of one per event: read (and lock) the
    streams' versions, decide each event in order, write the new versions. -> one verdict per event."""
    streams = list({e.subject for e in events})
    rows = await conn.fetch("SELECT stream_id, version FROM projection_streams WHERE projection = $1 "
                            "AND stream_id = ANY($2::text[]) ORDER BY stream_id FOR UPDATE", projection, streams)
    before = {r["stream_id"]: r["version"] for r in rows}
    now = dict(before)
    verdicts = []
    for e in events:
        ok = e.stream_version == now.get(e.subject, 0) + 1
        if ok:
            now[e.subject] = e.stream_version
        verdicts.append(ok)
    new = [s for s in now if s not in before]
    moved = [s for s in now if s in before and now[s] != before[s]]
    if new:
        inserted = await conn.fetch(
            "INSERT INTO projection_streams (projection, stream_id, version) "
            "SELECT $1, s, v FROM unnest($2::text[], $3::int[]) AS t(s, v) ON CONFLICT DO NOTHING RETURNING stream_id",
            projection, new, [now[s] for s in new])
        if len(inserted) != len(new):
            raise ClaimRace(f"{projection}: {len(new) - len(inserted)} stream(s) claimed concurrently")
    if moved:  # rows locked above: nobody else moved them
        await conn.execute(
            "UPDATE projection_streams p SET version = t.v FROM unnest($2::text[], $3::int[]) AS t(s, v) "
            "WHERE p.projection = $1 AND p.stream_id = t.s", projection, moved, [now[s] for s in moved])
    return verdicts


def parse_position(position: str) -> tuple[str, int]:
    stream, _, version = position.rpartition("@")
    if not stream or not version.isdigit():
        raise ValueError("position must look like <stream>@<version>")
    return stream, int(version)


async def has_reached(conn: asyncpg.Connection, projection: str, position: str) -> bool:
    stream, version = parse_position(position)
    seen = await conn.fetchval("SELECT version FROM projection_streams WHERE projection = $1 AND stream_id = $2",
                               projection, stream)
    return seen is not None and seen >= version


class _SeekToCheckpoint(ConsumerRebalanceListener):
    def __init__(self, runner: ProjectionRunner):
        self.runner = runner

    async def on_partitions_revoked(self, revoked) -> None:
        pass

    async def on_partitions_assigned(self, assigned) -> None:
        async with self.runner.pool.acquire() as conn:
            rows = await conn.fetch("SELECT topic, partition, next_offset FROM projection_checkpoints "
                                    "WHERE projection = $1", self.runner.projection.name)
        saved = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
        consumer = self.runner.consumer
        for tp in assigned:
            if (tp.topic, tp.partition) in saved:
                consumer.seek(tp, saved[(tp.topic, tp.partition)])
            else:
                await consumer.seek_to_beginning(tp)


class ProjectionRunner:
    def __init__(self, pool: asyncpg.Pool, bootstrap: str, projection: Projection, *, group: str,
                 client_id: str, retry_delay: float = 1.0):
        self.pool = pool
        self.bootstrap = bootstrap
        self.projection = projection
        self.group = group
        self.client_id = client_id
        self.retry_delay = retry_delay
        self.consumer = None
        self.applied = 0
        self.skipped = 0
        self.batches = 0  # batches applied since start: a change counter that live views watch
        self._progress = asyncio.Condition()
        self._background = Background()

    def start(self) -> None:
        self._background.start(self._run(), f"projection-{self.projection.name}")

    async def stop(self) -> None:
        await self._background.stop()

    async def _run(self) -> None:
        while True:
            self.consumer = make_consumer(self.bootstrap, self.group, client_id=self.client_id)
            try:
                self.consumer.subscribe(list(self.projection.topics), listener=_SeekToCheckpoint(self))
                await self.consumer.start()
                while True:
                    batches = await self.consumer.getmany(timeout_ms=500, max_records=1000)
                    if batches:
                        await self._apply(batches)
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                metrics.ERRORS.add(1, {"service": self.client_id, "component": "projection", "kind": type(exc).__name__})
                log.warning("projection interrupted; resuming from its checkpoint",
                            extra={"projection": self.projection.name, "error": repr(exc)[:300]})
                await asyncio.sleep(self.retry_delay)
            finally:
                try:
                    await self.consumer.stop()
                except Exception:
                    pass

    async def _apply(self, batches: dict) -> None:
        name = self.projection.name
        batch_apply = getattr(self.projection, "apply_batch", None)
        async with self.pool.acquire() as conn, conn.transaction():
            for tp, records in batches.items():
                events = [from_kafka(r.key, r.value, r.headers) for r in records]
                verdicts = await claim_batch(conn, name, events)
                claimed = [e for e, ok in zip(events, verdicts) if ok]
                self.skipped += len(events) - len(claimed)
                if batch_apply is not None:
                    with tracer.start_as_current_span(
                            f"project {name} batch", kind=trace.SpanKind.CONSUMER,
                            attributes={"messaging.system": "kafka", "messaging.operation.type": "process",
                                        "messaging.destination.name": tp.topic,
                                        "messaging.destination.partition.id": str(tp.partition),
                                        "messaging.consumer.group.name": self.group,
                                        "messaging.batch.message_count": len(claimed)}):
                        if claimed:
                            await batch_apply(conn, claimed)
                    self.applied += len(claimed)
                    if claimed:
                        metrics.EVENTS_PROJECTED.add(len(claimed), {"projection": name})
                else:
                    for record, event, ok in zip(records, events, verdicts):
                        with tracer.start_as_current_span(
                                f"project {name}", context=context_from_traceparent(event.traceparent),
                                kind=trace.SpanKind.CONSUMER,
                                attributes={"messaging.system": "kafka", "messaging.operation.type": "process",
                                            "messaging.destination.name": tp.topic,
                                            "messaging.destination.partition.id": str(tp.partition),
                                            "messaging.consumer.group.name": self.group,
                                            "messaging.kafka.offset": record.offset, "xq.event_type": event.type,
                                            "xq.stream": event.subject}):
                            if ok:
                                await self.projection.apply(conn, event)
                                self.applied += 1
                                metrics.EVENTS_PROJECTED.add(1, {"projection": name})
                newest = events[-1].time if events else None
                await conn.execute(
                    """INSERT INTO projection_checkpoints (projection, topic, partition, next_offset, event_time)
                       VALUES ($1, $2, $3, $4, $5)
                       ON CONFLICT (projection, topic, partition) DO UPDATE
                       SET next_offset = EXCLUDED.next_offset, event_time = EXCLUDED.event_time, updated_at = now()""",
                    name, tp.topic, tp.partition, records[-1].offset + 1, newest)
        self.batches += 1
        async with self._progress:
            self._progress.notify_all()
        fault_point("projection.after_commit")  # effects and checkpoint committed, Kafka offsets not yet
        await self._commit_offsets(batches)

    async def _commit_offsets(self, batches: dict) -> None:
        """Informational (lag monitoring); where to resume is the database checkpoint."""
        try:
            await self.consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
        except Exception as exc:
            log.info("offset commit failed (harmless: the database checkpoint rules)", extra={"error": repr(exc)})

    async def wait_for(self, position: str, timeout: float) -> bool:
        """Read-your-writes: wait until this projection has applied `position` (or give up)."""
        deadline = time.monotonic() + timeout
        while True:
            async with self.pool.acquire() as conn:
                if await has_reached(conn, self.projection.name, position):
                    return True
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return False
            try:
                async with self._progress:
                    await asyncio.wait_for(self._progress.wait(), min(remaining, 0.25))
            except TimeoutError:
                pass

    async def changed_since(self, seen: int) -> int:
        """Live views ("projection applied" hook): wait until a batch after the `seen`-th has been applied,
        return the new count. Cancel the waiting task to stop."""
        async with self._progress:
            await self._progress.wait_for(lambda: self.batches > seen)
        return self.batches

    async def rebuild(self) -> None:
        """Empty the read model and replay every event from the start of the topics."""
        running = self._background.running
        await self.stop()
        await reset_projection(self.pool, self.projection)
        if running:
            self.start()


async def reset_projection(pool: asyncpg.Pool, projection: Projection) -> None:
    async with pool.acquire() as conn, conn.transaction():
        for table in projection.tables:
            await conn.execute(f"TRUNCATE {table}")
        await conn.execute("DELETE FROM projection_streams WHERE projection = $1", projection.name)
        await conn.execute("DELETE FROM projection_checkpoints WHERE projection = $1", projection.name)


async def partition_lag(pool: asyncpg.Pool, consumer, projection: str) -> dict[TopicPartition, int]:
    """End offset minus checkpoint, per partition (for metrics and tests)."""
    parts = [TopicPartition(t, p) for t in consumer.subscription() for p in (consumer.partitions_for_topic(t) or ())]
    ends = await consumer.end_offsets(parts)
    async with pool.acquire() as conn:
        rows = await conn.fetch("SELECT topic, partition, next_offset FROM projection_checkpoints "
                                "WHERE projection = $1", projection)
    done = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
    return {tp: ends[tp] - done.get((tp.topic, tp.partition), 0) for tp in parts}
