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
    projection = YouthProjection(s)
    projection.topics = (topic,)
    t = report.table("rebuild", "6. Rebuild: gateway youth read model from the events",
                     ["pass", "events", "seconds", "events/s", "target events/s", "met"])
    try:
        for label in ("first build", "rebuild (truncate + replay)"):
            await reset_projection(pool, projection)
            runner = ProjectionRunner(pool, s.kafka_bootstrap, projection, group=f"bench-rebuild-{uuid.uuid4().hex[:6]}",
                                      client_id="bench-rebuild")
            t0 = time.perf_counter()
            runner.start()
            deadline = t0 + timeout
            # Done when the committed checkpoints cover every offset (records are offsets 0..n-1 per
            # partition): `runner.applied` moves before its transaction commits.
            while await pool.fetchval("SELECT coalesce(sum(next_offset), 0) FROM projection_checkpoints "
                                      "WHERE projection = $1", projection.name) < events:
                if time.perf_counter() > deadline:
                    break
                await asyncio.sleep(0.02)
            seconds = time.perf_counter() - t0
            await runner.stop()
            count = await pool.fetchval("SELECT count(*) FROM youth")
            if count != events:
                raise RuntimeError(f"rebuild incomplete: {count} of {events} youth in the read model")
            rate = events / seconds
            t.add(**{"pass": label, "events": events, "seconds": round(seconds, 2), "events/s": round(rate),
                     "target events/s": 50_000, "met": "yes" if rate >= 50_000 else "no"})
        report.target("rebuild", "≥ 50,000 events/s", f"{rate:,.0f} events/s", rate >= 50_000)
        t.notes.append("Time from starting the consumer (group join and partition assignment included) to the "
                       "last event applied; each batch is one transaction (claim + insert + counter upsert + checkpoint).")
    finally:
        await pool.close()
