"""A consumer that cannot keep up holds a bounded amount in memory, however far behind it falls.

The stack scenario (test_faults.py, the read-model table locked) shows the lag at /metrics and nothing
dropped, but its backlog (a few MB) is too small for a process's RSS to tell "bounded" from "buffers
everything". Here the backlog is 144 MiB on a real topic and the runner is stuck applying its first batch;
Python's own allocation count (tracemalloc) shows what the runner and its Kafka client hold.
"""
from __future__ import annotations

import asyncio
import gc
import tracemalloc
import uuid
from datetime import UTC, datetime

import pytest

from chassis.envelope import Envelope
from chassis.kafka import FETCH_MAX_BYTES, MAX_PARTITION_FETCH_BYTES, TopicSpec, ensure_topics
from chassis.kafka import producer as make_producer
from chassis.kafka_login import admin_login
from chassis.projection import ProjectionRunner
from tests.integration import chassis_fixtures as fx
from tests.support import eventually

pytestmark = pytest.mark.faults

PARTITIONS = 6
EVENT_BYTES = 64 * 1024
EVENTS = 2304  # 144 MiB: twenty-four times what one fetch per partition may hold
MIB = 1024 * 1024


class StuckProjection:
    """Applies nothing until `gate` opens (a database lock, a slow disk…); counts what it applied."""

    name = "test.stuck"
    tables = ()
    stream_prefixes = ("blob-",)

    def __init__(self, topic: str):
        self.topics = (topic,)
        self.gate = asyncio.Event()
        self.applied = 0

    async def apply_batch(self, conn, events) -> None:
        await self.gate.wait()
        self.applied += len(events)

    async def apply(self, conn, event) -> None:  # the runner applies small batches one event at a time
        await self.gate.wait()
        self.applied += 1


async def test_a_stuck_consumer_holds_a_bounded_part_of_a_large_backlog(settings):
    topic = settings.topic("test.blobs")
    await ensure_topics(admin_login(settings), [TopicSpec(topic, PARTITIONS)])
    producer = make_producer(admin_login(settings), "blob-writer")
    await producer.start()
    try:
        for i in range(EVENTS):
            env = Envelope(id=uuid.uuid4(), type="test.blob.written.v1", source="test", subject=f"blob-{i}",
                           stream_version=1, time=datetime.now(UTC), data={"blob": "x" * EVENT_BYTES})
            await producer.send(topic, env.kafka_value(), key=env.subject.encode(), headers=env.kafka_headers())
        await producer.flush()
    finally:
        await producer.stop()

    pool = await fx.pool_for(settings, "stuck")
    projection = StuckProjection(topic)
    runner = ProjectionRunner(pool, admin_login(settings), projection, group=settings.group(projection.name),
                              client_id="stuck")
    gc.collect()
    tracemalloc.start()
    try:
        baseline = tracemalloc.get_traced_memory()[0]
        runner.start()
        await asyncio.sleep(8)  # joined, fetched, stuck in its first batch; the fetcher had time to read ahead
        held = tracemalloc.get_traced_memory()[0] - baseline
        projection.gate.set()
        await eventually(lambda: _applied(projection, EVENTS), timeout=60)
        peak = tracemalloc.get_traced_memory()[1] - baseline
    finally:
        tracemalloc.stop()
        await runner.stop()
        await pool.close()
    backlog = EVENTS * EVENT_BYTES
    # The batch being applied (raw and decoded), the next one the runner fetches ahead while it applies
    # (raw and decoded), and aiokafka's one buffered fetch per partition: with chassis/kafka.py's caps
    # about 5 × 6 MiB (a CI run peaked at 35.8 MiB); 48 MiB leaves room for the allocator, and a raised
    # cap fails here (64 MiB per partition held 181 MiB).
    bound = 48 * MIB
    assert 5 * PARTITIONS * MAX_PARTITION_FETCH_BYTES <= bound and FETCH_MAX_BYTES <= bound
    print(f"\n[faults] stuck consumer: backlog {backlog / MIB:.0f} MiB on {PARTITIONS} partitions; held "
          f"{held / MIB:.1f} MiB while stuck (bound {bound / MIB:.0f} MiB), peak {peak / MIB:.1f} MiB; "
          f"applied {projection.applied} of {EVENTS} after, dropped 0")
    assert projection.applied == EVENTS
    assert bound < backlog / 2
    assert held < bound, f"the stuck consumer held {held / MIB:.1f} MiB of a {backlog / MIB:.0f} MiB backlog"
    assert peak < bound


async def _applied(projection: StuckProjection, n: int) -> bool:
    return projection.applied >= n
