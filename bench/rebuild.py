"""Benchmark 6: the gateway youth read model emptied and rebuilt from the events on Kafka: events/s and
CPU per event, and the ceilings that bound it (Kafka alone, PostgreSQL alone).

The topic is filled with real `registered` envelopes (as the relay publishes them) straight from a
producer, so the number measures the projection (consume, claim, apply, checkpoint), not the writer.
The projection runs in the harness process with the chassis' ProjectionRunner, the gateway's own
projection class and migrations, against a database of its own.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

from chassis import db
from chassis.envelope import Envelope
from chassis.kafka import TopicSpec, ensure_topics
from chassis.kafka import producer as make_producer
from chassis.kafka_login import KafkaLogin, admin_login
from chassis.projection import ProjectionRunner, reset_projection
from gateway.projections.youth import YouthProjection
from services.registry.domain.events import YouthRegistered, codec
from services.registry.domain.state import stream_id

from . import rebuild_limits
from .cpu import Cpu
from .report import Report
from .stack import BenchStack
from .workloads import registered

GATEWAY_MIGRATIONS = Path(__file__).resolve().parent.parent / "gateway" / "migrations"
TARGET = 50_000
FIRST, REBUILD = "first build", "rebuild (truncate + replay)"


async def fill_topic(login: KafkaLogin, topic: str, events: int, partitions: int) -> None:
    await ensure_topics(login, [TopicSpec(topic, partitions)])
    producer = make_producer(login, "bench-filler")
    await producer.start()
    try:
        now = datetime.now(UTC)
        pending = []
        for i in range(events):
            _, public, _ = codec.encode(registered(i))
            stream = stream_id(public["youth_id"])
            env = Envelope(id=uuid.uuid4(), type=YouthRegistered.TYPE, source="/xinqing/registry",
                           subject=stream, stream_version=1, time=now, data=public)
            pending.append(await producer.send(topic, env.kafka_value(), key=stream.encode(),
                                               headers=env.kafka_headers()))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


COLUMNS = ["projection", "pass", "events", "seconds", "events/s", "events/s after the group join", "CPU µs/event (harness)",
           "CPU µs/event (postgres)",
           "CPU µs/event (kafka)", "target events/s", "met"]


async def run(stack: BenchStack, report: Report, *, events: int, timeout: float = 900) -> None:
    s = stack.settings
    topic = f"bench.rebuild.{uuid.uuid4().hex[:6]}"
    await fill_topic(admin_login(s), topic, events, s.kafka_partitions)
    dsn = await stack.fresh_database("bench_rebuild", GATEWAY_MIGRATIONS)
    pool = await db.create_pool(dsn, max_size=4)
    t = report.table("rebuild", "6. Rebuild: gateway youth read model from the events", COLUMNS)
    youth = YouthProjection(s)
    youth.topics = (topic,)
    label = "gateway YouthProjection (apply_batch)"
    rates = []
    try:
        for pass_ in (FIRST, REBUILD):
            rate, steady, cpu = await _build(stack, pool, youth, events, timeout)
            rates.append(rate)
            t.add(projection=label, **{"pass": pass_, "events": events, "seconds": round(events / rate, 2),
                                       "events/s": round(rate), "events/s after the group join": round(steady),
                                       **cpu, "target events/s": TARGET,
                                       "met": "yes" if rate >= TARGET else "no"})
        report.target("rebuild", f"≥ {TARGET:,} events/s", f"{rates[-1]:,.0f} events/s (rebuild pass)",
                      rates[-1] >= TARGET)
        t.notes.append("Time from starting the consumer (group join and partition assignment included) to the "
                       "last checkpoint committed. One transaction per fetched batch (all partitions): claims in "
                       "one statement (every stream new), the projection's statements once per batch (apply_batch), "
                       "one checkpoint statement; the next batch is fetched and decoded while PostgreSQL applies this one. One "
                       "event at a time (`apply`) was 2,300 events/s on a quieter machine, 1,000 µs of CPU per event "
                       "(harness 570, PostgreSQL 290, Kafka 140; docs/BENCHMARKS.md). CPU µs/event (1,000 µs = 1 ms): the "
                       "harness process (consumer, decoding, projection), PostgreSQL (postmaster + backends) and the Kafka "
                       "broker, divided by the events; less sensitive to the neighbours' load than events/s.")
        await rebuild_limits.run(stack, report, pool, topic, events)
    finally:
        await pool.close()


async def _build(stack: BenchStack, pool, projection, events: int, timeout: float) -> tuple[float, float, dict]:
    """Empty the read model, replay the topic with a fresh consumer group; -> events/s (all of it, and
    from the first applied batch on: the group join of a fresh broker takes seconds), CPU per event."""
    await reset_projection(pool, projection)
    runner = ProjectionRunner(pool, admin_login(stack.settings), projection,
                              group=f"bench-rebuild-{uuid.uuid4().hex[:6]}", client_id="bench-rebuild")
    before = Cpu.take(stack)
    t0 = time.perf_counter()
    runner.start()
    deadline = t0 + timeout
    first: tuple[float, int] | None = None  # when the first batch was applied, and its size
    try:
        # Done when the committed checkpoints cover every offset (records are offsets 0..n-1 per
        # partition). `runner.applied` moves before its transaction commits, so the database is asked
        # only once it says so (asking every 20 ms cost a tenth of the harness' CPU).
        while (runner.applied + runner.skipped < events
               or await pool.fetchval("SELECT coalesce(sum(next_offset), 0) FROM projection_checkpoints "
                                      "WHERE projection = $1", projection.name) < events):
            if time.perf_counter() > deadline:
                break
            if first is None and runner.applied:
                first = (time.perf_counter(), runner.applied)
            await asyncio.sleep(0.02)
        end = time.perf_counter()
        seconds = end - t0
        first = first or (t0, 0)
        steady = (events - first[1]) / max(end - first[0], 1e-6) if first[1] < events else events / seconds
        cpu = before.per_event(Cpu.take(stack), events)
    finally:
        await runner.stop()
    count = await pool.fetchval("SELECT count(*) FROM youth")
    counted = await pool.fetchval("SELECT coalesce(sum(count), 0) FROM youth_counts")
    if count != events or counted != events:
        raise RuntimeError(f"rebuild incomplete: {count} youth, {counted} counted, of {events} events")
    return events / seconds, steady, cpu
