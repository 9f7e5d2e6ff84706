"""Projection consumers: Kafka events into read-model tables, each effect exactly once.

For each batch, one database transaction applies the events, claims each (stream, version) in
`projection_streams` and moves the per-partition checkpoint; Kafka offsets are committed after it.
On (re)assignment the consumer seeks to the database checkpoint, so the database alone decides where
to resume; a redelivered event fails its claim and is skipped. Rebuild = truncate + replay.
A message that cannot be read is kept as a dead letter in the same transaction and passed
(chassis/deadletter.py); any other failure rolls the batch back and is retried from the checkpoint.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Iterator, Mapping, Sequence
from datetime import datetime
from typing import Protocol

import asyncpg
from aiokafka import AIOKafkaConsumer, ConsumerRebalanceListener, ConsumerRecord, TopicPartition
from opentelemetry import trace

from . import deadletter, metrics
from .background import Resuming
from .claims import ClaimRace, claim, claim_batch
from .db import UNAVAILABLE_ERRORS, Connection
from .deadletter import Letter
from .envelope import Envelope
from .faults import fault_point
from .fetched import Fetched, joined, next_beat, positions, size
from .kafka import consumer as make_consumer
from .kafka_login import KafkaLogin
from .kafka_ready import wait_for_group_coordinator
from .stall import STALL_SECONDS
from .tracing import context_from_traceparent

log = logging.getLogger(__name__)
tracer = trace.get_tracer("xinqing.projection")

MAX_RECORDS = 2000  # per fetch and transaction (all partitions); a backlog (rebuild, bulk) goes in big steps
# aiokafka's stop can wait on a group join still in progress: a gateway stopped right after its start took
# over 30 s to stop its projections one by one (a CI teardown). Bounded within the runner's own stop
# (chassis/background.py STOP_SECONDS), so a consumer that leaves its group cleanly in time does so.
CONSUMER_STOP_SECONDS = 3.0
# Fewer claimed events than this are applied one by one (`apply`), each in its own span of its request's
# trace; from this many on, a projection's `apply_batch` takes the batch (bulk, replay). Same read model.
SET_BASED_FROM = 8
# A fetch of fewer events than this is live writes trickling in, not a backlog: with a beat set, it waits
# for the next beat and takes what arrived meanwhile. A backlog (rebuild, bulk) never waits.
BEAT_BELOW = 500


class Projection(Protocol):
    name: str  # the key of its positions; with the namespace, its consumer group
    topics: Sequence[str]
    tables: Sequence[str]  # emptied on rebuild
    stream_prefixes: Sequence[str]  # streams it reads (read-your-writes waits on these)
    handles: Collection[str]  # the event types it acts on (checked against contracts/ at start-up)

    async def apply(self, conn: Connection, event: Envelope) -> None: ...

    # Optional: `async def apply_batch(self, conn, events: list[Envelope]) -> None` applies the claimed
    # events of one fetch at once (set-based SQL; each stream's events in version order, the partitions'
    # batches one after the other); the runner uses it for batches of SET_BASED_FROM events or more.


async def write_checkpoints(conn: Connection, projection: str,
                            positions: Sequence[tuple[str, int, int, datetime | None]]) -> None:
    """Move the checkpoints of several partitions, (topic, partition, next_offset, newest event time) each,
    in one statement."""
    topics, partitions, offsets, times = (list(c) for c in zip(*positions))
    await conn.execute(
        """INSERT INTO projection_checkpoints (projection, topic, partition, next_offset, event_time)
           SELECT $1, * FROM unnest($2::text[], $3::int[], $4::bigint[], $5::timestamptz[])
           ON CONFLICT (projection, topic, partition) DO UPDATE
           SET next_offset = EXCLUDED.next_offset, updated_at = now(),
               event_time = coalesce(EXCLUDED.event_time, projection_checkpoints.event_time)""",
        projection, topics, partitions, offsets, times)


def parse_position(position: str) -> tuple[str, int]:
    stream, _, version = position.rpartition("@")
    if not stream or not version.isdigit():
        raise ValueError("position must look like <stream>@<version>")
    return stream, int(version)


async def has_reached(conn: Connection, projection: str, position: str) -> bool:
    stream, version = parse_position(position)
    seen = await conn.fetchval("SELECT version FROM projection_streams WHERE projection = $1 AND stream_id = $2",
                               projection, stream)
    return seen is not None and seen >= version


class _SeekToCheckpoint(ConsumerRebalanceListener):  # type: ignore[misc]  # aiokafka ships no types
    def __init__(self, runner: ProjectionRunner, consumer: AIOKafkaConsumer):
        self.runner = runner
        self.consumer = consumer

    async def on_partitions_revoked(self, revoked: set[TopicPartition]) -> None:
        pass

    async def on_partitions_assigned(self, assigned: set[TopicPartition]) -> None:
        async with self.runner.pool.acquire() as conn:
            rows = await conn.fetch("SELECT topic, partition, next_offset FROM projection_checkpoints "
                                    "WHERE projection = $1", self.runner.projection.name)
        saved = {(r["topic"], r["partition"]): r["next_offset"] for r in rows}
        for tp in assigned:
            if (tp.topic, tp.partition) in saved:
                self.consumer.seek(tp, saved[(tp.topic, tp.partition)])
            else:
                await self.consumer.seek_to_beginning(tp)


class ProjectionRunner(Resuming):
    def __init__(self, pool: asyncpg.Pool, kafka: KafkaLogin, projection: Projection, *, group: str,
                 client_id: str, retry_delay: float = 1.0, known_types: Collection[str] | None = None,
                 beat: float = 0.0, stall_seconds: float = STALL_SECONDS):
        """`known_types`: the event types the topics may carry (contracts/); others are dead letters.
        None: any type is read (topics contracts/ does not list). `beat` (seconds, 0: none): live writes are
        committed on the wall clock's multiples of it (`next_beat`), by every runner of every process alike."""
        super().__init__(f"projection-{projection.name}", self._consume, retry_delay, stall_seconds)
        self.pool = pool
        self.kafka = kafka
        self.projection = projection
        self.group = group
        self.client_id = client_id
        self.known_types = known_types
        self.beat = beat
        self._consumer: AIOKafkaConsumer | None = None  # the running session's
        self.applied = 0
        self.skipped = 0
        self.batches = 0  # batches applied since start: a change counter that live views watch
        self._progress = asyncio.Condition()
        deadletter.count_from_zero(projection.name)

    def _interrupted(self, exc: Exception) -> None:
        metrics.ERRORS.add(1, {"service": self.client_id, "component": "projection", "kind": type(exc).__name__})
        log.warning("projection interrupted; resuming from its checkpoint",
                    extra={"projection": self.projection.name, "error": repr(exc)[:300]})

    async def _consume(self) -> None:
        """One consumer session, until it fails (or is cancelled)."""
        consumer = make_consumer(self.kafka, self.group, client_id=self.client_id)
        ahead: asyncio.Future[Fetched] | None = None
        try:
            self.phase = "joining its group"
            consumer.subscribe(list(self.projection.topics), listener=_SeekToCheckpoint(self, consumer))
            await wait_for_group_coordinator(self.kafka, self.group)
            await consumer.start()
            self._consumer = consumer
            ahead = asyncio.ensure_future(self._fetch(consumer))
            while True:
                # Fetch and decode the next batch while PostgreSQL applies this one: the two overlap
                # on two cores instead of taking turns. A batch fetched ahead of a failure or a
                # rebalance is harmless: claims skip what was applied, the checkpoint rules.
                self.phase = "fetching"
                fetched = await ahead
                if self.beat and 0 < size(fetched) < BEAT_BELOW:
                    self.phase = "gathering until the beat"
                    fetched = await self._gathered_until_the_beat(consumer, fetched)
                ahead = asyncio.ensure_future(self._fetch(consumer))
                if fetched:
                    self.phase = "applying"
                    await self._apply(consumer, fetched)
        finally:
            self.phase, self._consumer = "leaving its group", None
            if ahead is not None:
                ahead.cancel()
                await asyncio.gather(ahead, return_exceptions=True)
            try:
                await asyncio.wait_for(consumer.stop(), CONSUMER_STOP_SECONDS)
            except Exception:  # noqa: BLE001 — a consumer that cannot leave its group cleanly is abandoned
                pass

    async def _gathered_until_the_beat(self, consumer: AIOKafkaConsumer, fetched: Fetched) -> Fetched:
        """`fetched` and what arrives until the next beat. Fetched meanwhile, not after: aiokafka fetches a
        partition again only once its buffered records are taken, so a sleep would leave the records that
        came after a partition's last fetch to the following beat."""
        beat_at = time.time() + next_beat(time.time(), self.beat)
        while (left := beat_at - time.time()) > 0 and size(fetched) < BEAT_BELOW:
            fetched = joined(fetched, await self._fetch(consumer, wait_ms=max(1, round(left * 1000)),
                                                        most=MAX_RECORDS - size(fetched)))
        return fetched

    async def _fetch(self, consumer: AIOKafkaConsumer, wait_ms: int = 500, most: int = MAX_RECORDS) -> Fetched:
        batches = await consumer.getmany(timeout_ms=wait_ms, max_records=most)
        return [(tp, records, [deadletter.read(r, self.known_types) for r in records])
                for tp, records in batches.items() if records]

    async def _apply(self, consumer: AIOKafkaConsumer, fetched: Fetched) -> None:
        """One transaction for everything fetched (all partitions: a stream lives in one partition, so
        per-stream order is each partition's order): claims, the projection's effects, dead letters,
        checkpoints. When a handler finds an event it cannot read, the batch is rolled back and applied
        again one event at a time, each in a savepoint, to keep that event as a dead letter."""
        name = self.projection.name
        letters = [item for _, _, items in fetched for item in items if isinstance(item, Letter)]
        counts = self.applied, self.skipped  # what a rolled-back attempt counted is taken back
        try:
            async with self.pool.acquire() as conn, conn.transaction():
                await self._apply_all(conn, fetched)
                await deadletter.record(conn, name, letters)
                await write_checkpoints(conn, name, positions(fetched))
        except Exception as exc:
            self.applied, self.skipped = counts
            if isinstance(exc, UNAVAILABLE_ERRORS + (ClaimRace,)) and deadletter.payload_error(exc) is None:
                raise  # transient: resumed from the checkpoint
            log.info("batch failed; applying it one event at a time",
                     extra={"projection": name, "error": type(exc).__name__})
            async with self.pool.acquire() as conn, conn.transaction():
                letters += await self._apply_each_alone(conn, fetched)
                await deadletter.record(conn, name, letters)
                await write_checkpoints(conn, name, positions(fetched))
        metrics.EVENTS_PROJECTED.add(self.applied - counts[0], {"projection": name})
        deadletter.counted(self.client_id, name, letters)
        self.batches += 1
        async with self._progress:
            self._progress.notify_all()
        fault_point("projection.after_commit")  # effects and checkpoint committed, Kafka offsets not yet
        await self._commit_offsets(consumer, {tp: records for tp, records, _ in fetched})

    async def _apply_all(self, conn: Connection, fetched: Fetched) -> None:
        batch_apply = getattr(self.projection, "apply_batch", None)
        events = [e for _, _, items in fetched for e in items if isinstance(e, Envelope)]
        verdicts = await claim_batch(conn, self.projection.name, events)
        claimed = [e for e, ok in zip(events, verdicts) if ok]
        self.skipped += len(events) - len(claimed)
        if batch_apply is not None and len(claimed) >= SET_BASED_FROM:
            await self._apply_set_based(conn, batch_apply, fetched, claimed)
        else:
            await self._apply_one_by_one(conn, fetched, iter(verdicts))

    async def _apply_each_alone(self, conn: Connection, fetched: Fetched) -> list[Letter]:
        """Each event claimed and applied in a savepoint of its own; one whose handler cannot read it is
        rolled back (claim included) and returned as a dead letter. Any other failure is raised."""
        letters = []
        for tp, records, items in fetched:
            for record, item in zip(records, items):
                if isinstance(item, Letter):
                    continue
                try:
                    async with conn.transaction():
                        if await claim(conn, self.projection.name, item):
                            await self._apply_one(conn, tp, record, item)
                        else:
                            self.skipped += 1
                except Exception as exc:
                    reason = deadletter.payload_error(exc)
                    if reason is None:
                        raise
                    letters.append(Letter(record, deadletter.PAYLOAD, reason, item))
        return letters

    async def _apply_set_based(self, conn: Connection, batch_apply: Callable[[Connection, list[Envelope]], Awaitable[None]],
                               fetched: Fetched, claimed: list[Envelope]) -> None:
        """One span for the batch, linked to the traces of (up to 64 of) its events."""
        links = [trace.Link(ctx) for e in claimed[:64] if e.traceparent
                 and (ctx := trace.get_current_span(context_from_traceparent(e.traceparent)).get_span_context()).is_valid]
        with tracer.start_as_current_span(
                f"project {self.projection.name} batch", kind=trace.SpanKind.CONSUMER, links=links,
                attributes={"messaging.system": "kafka", "messaging.operation.type": "process",
                            "messaging.destination.name": ",".join(sorted({tp.topic for tp, _, _ in fetched})),
                            "messaging.consumer.group.name": self.group,
                            "messaging.batch.message_count": len(claimed)}):
            await batch_apply(conn, claimed)
        self.applied += len(claimed)

    async def _apply_one_by_one(self, conn: Connection, fetched: Fetched, verdicts: Iterator[bool]) -> None:
        """Each event in its own span, continuing the trace of the request that caused it."""
        for tp, records, items in fetched:
            for record, event in zip(records, items):
                if isinstance(event, Envelope) and next(verdicts):
                    await self._apply_one(conn, tp, record, event)

    async def _apply_one(self, conn: Connection, tp: TopicPartition, record: ConsumerRecord, event: Envelope) -> None:
        name = self.projection.name
        with tracer.start_as_current_span(
                f"project {name}", context=context_from_traceparent(event.traceparent),
                kind=trace.SpanKind.CONSUMER,
                attributes={"messaging.system": "kafka", "messaging.operation.type": "process",
                            "messaging.destination.name": tp.topic,
                            "messaging.destination.partition.id": str(tp.partition),
                            "messaging.consumer.group.name": self.group,
                            "messaging.kafka.offset": record.offset, "xq.event_type": event.type,
                            "xq.stream": event.subject}):
            await self.projection.apply(conn, event)
            self.applied += 1

    async def _commit_offsets(self, consumer: AIOKafkaConsumer, batches: dict[TopicPartition, list[ConsumerRecord]]) -> None:
        """Informational (lag monitoring); where to resume is the database checkpoint."""
        try:
            await consumer.commit({tp: records[-1].offset + 1 for tp, records in batches.items()})
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
                    await asyncio.wait_for(self._progress.wait(), min(remaining, self._poll_every))
            except TimeoutError:
                pass

    def assigned(self) -> set[tuple[str, int]]:
        """The (topic, partition)s its consumer holds now (none between sessions and while it joins)."""
        consumer = self._consumer
        return set() if consumer is None else {(tp.topic, tp.partition) for tp in consumer.assignment()}

    async def mend(self, waiting: Mapping[tuple[str, int], int] | None, now: float) -> None:
        """The sampler's look at this runner: `waiting`, the partitions of its topics where events wait, each
        with its checkpoint (None: unknown, Kafka unreachable). A runner that should run and has died, or
        whose partitions wait behind an unmoved checkpoint (chassis/stall.py), is started afresh. It answers
        for the partitions it holds; holding none (it may be the one that lost them), for all."""
        mine = self.assigned()
        await self.look(None if waiting is None else {p: at for p, at in waiting.items() if not mine or p in mine},
                        now)

    def _restarting(self, reason: str, waited: float) -> None:
        log.warning(f"projection {reason}; its consumer is started afresh",
                    extra={"projection": self.projection.name, "reason": reason, "phase": self.phase,
                           "waited_seconds": round(waited, 1)})
        metrics.PROJECTION_RESTARTS.add(1, {"projection": self.projection.name, "reason": reason})

    @property
    def applies_here(self) -> bool:
        """Whether this process applies the projection; not: a projector process does (`run_projections`)."""
        return self.running

    @property
    def _poll_every(self) -> float:
        # applied here, a batch wakes the waiters and the poll is a fallback (a replica may own the position's
        # partition); applied by another process, nothing here wakes them: the database is asked more often
        return 0.25 if self.applies_here else 0.05

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
        await conn.execute("DELETE FROM dead_letters WHERE projection = $1", projection.name)  # met again
