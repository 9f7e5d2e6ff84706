"""Benchmark 6: the gateway youth read model emptied and rebuilt from the events on Kafka: events/s.

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
from chassis.projection import ProjectionRunner, reset_projection
from gateway.views.youth import YouthProjection
from services.registry import domain

from .batched_youth import BatchedYouthProjection
from .report import Report
from .stack import BenchStack
from .workloads import registered

GATEWAY_MIGRATIONS = Path(__file__).resolve().parent.parent / "gateway" / "migrations"


async def fill_topic(bootstrap: str, topic: str, events: int, partitions: int) -> None:
    await ensure_topics(bootstrap, [TopicSpec(topic, partitions)])
    producer = make_producer(bootstrap, "bench-filler")
    await producer.start()
    try:
        now = datetime.now(UTC)
        pending = []
        for i in range(events):
            _, public, _ = domain.codec.encode(registered(i))
            stream = domain.stream_id(public["youth_id"])
            env = Envelope(id=uuid.uuid4(), type=domain.YouthRegistered.TYPE, source="/xinqing/registry",
                           subject=stream, stream_version=1, time=now, data=public)
            pending.append(await producer.send(topic, env.kafka_value(), key=stream.encode(),
                                               headers=env.kafka_headers()))
            if len(pending) >= 5000:
                await asyncio.gather(*pending)
                pending.clear()
        await asyncio.gather(*pending)
    finally:
        await producer.stop()


async def run(stack: BenchStack, report: Report, *, events: int, timeout: float = 900) -> None:
    s = stack.settings
    topic = f"bench.rebuild.{uuid.uuid4().hex[:6]}"
    await fill_topic(s.kafka_bootstrap, topic, events, s.kafka_partitions)
    dsn = await stack.fresh_database("bench_rebuild", GATEWAY_MIGRATIONS)
    pool = await db.create_pool(dsn, max_size=4)
    t = report.table("rebuild", "6. Rebuild: gateway youth read model from the events",
                     ["projection", "pass", "events", "seconds", "events/s", "target events/s", "met"])
    variants = (("gateway YouthProjection (per event, as on main)", YouthProjection, ("first build", REBUILD)),
                ("with apply_batch (bench/batched_youth.py, proposal)", BatchedYouthProjection, (REBUILD,)))
    results: dict[str, float] = {}
    try:
        for label, cls, passes in variants:
            projection = cls(s)
            projection.topics = (topic,)
            for pass_ in passes:
                rate = await _build(pool, s.kafka_bootstrap, projection, events, timeout)
                results[label] = rate
                t.add(projection=label, **{"pass": pass_, "events": events, "seconds": round(events / rate, 2),
                                           "events/s": round(rate), "target events/s": 50_000,
                                           "met": "yes" if rate >= 50_000 else "no"})
        main_rate, batched = results[variants[0][0]], results[variants[1][0]]
        report.target("rebuild", "≥ 50,000 events/s",
                      f"{main_rate:,.0f} events/s as on main; {batched:,.0f} with apply_batch", main_rate >= 50_000)
        t.notes.append("Time from starting the consumer (group join and partition assignment included) to the "
                       "last checkpoint committed. Per event: one transaction per Kafka batch, claims batched "
                       "(chassis claim_batch: 3 statements per batch); the projection's own statements per event "
                       "(main) or per batch (apply_batch).")
    finally:
        await pool.close()


REBUILD = "rebuild (truncate + replay)"


async def _build(pool, bootstrap: str, projection, events: int, timeout: float) -> float:
    """Empty the read model, replay the topic with a fresh consumer group; -> events/s."""
    await reset_projection(pool, projection)
    runner = ProjectionRunner(pool, bootstrap, projection, group=f"bench-rebuild-{uuid.uuid4().hex[:6]}",
                              client_id="bench-rebuild")
    t0 = time.perf_counter()
    runner.start()
    deadline = t0 + timeout
    try:
        # Done when the committed checkpoints cover every offset (records are offsets 0..n-1 per
        # partition): `runner.applied` moves before its transaction commits.
        while await pool.fetchval("SELECT coalesce(sum(next_offset), 0) FROM projection_checkpoints "
                                  "WHERE projection = $1", projection.name) < events:
            if time.perf_counter() > deadline:
                break
            await asyncio.sleep(0.02)
        seconds = time.perf_counter() - t0
    finally:
        await runner.stop()
    count = await pool.fetchval("SELECT count(*) FROM youth")
    counted = await pool.fetchval("SELECT coalesce(sum(count), 0) FROM youth_counts")
    if count != events or counted != events:
        raise RuntimeError(f"rebuild incomplete: {count} youth, {counted} counted, of {events} events")
    return events / seconds
