"""What bounds the rebuild (benchmark 6), measured on the same topic and database:

- Kafka alone: a bare aiokafka consumer (the chassis' consumer settings, a fresh group) reading every
  record and doing nothing with it — the ceiling of any Python consumer of this topic here;
- Kafka + decoding: the same, turning every record into an `Envelope` (CloudEvents headers, orjson);
- PostgreSQL alone: the runner's statements for the same events (claims, `apply_batch`, checkpoint, commit;
  one transaction per batch of the runner's size) from events already in memory, no Kafka.
"""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

from chassis.envelope import Envelope, from_kafka
from chassis.kafka import consumer as make_consumer
from chassis.kafka_login import KafkaLogin, admin_login
from chassis.projection import (
    MAX_RECORDS,
    claim_batch,
    reset_projection,
    write_checkpoints,
)
from gateway.projections.youth import YouthProjection
from services.registry.domain.events import YouthRegistered, codec
from services.registry.domain.state import stream_id

from .cpu import Cpu, process_seconds
from .report import Report
from .stack import BenchStack
from .workloads import registered

COLUMNS = ["stage", "events", "seconds", "events/s", "events/s after the group join", "CPU µs/event (harness)",
           "CPU µs/event (postgres)",
           "CPU µs/event (kafka)"]


async def run(stack: BenchStack, report: Report, pool, topic: str, events: int) -> None:

    t = report.table("rebuild_limits", "6. Rebuild: what bounds it (the same events, one part at a time)", COLUMNS)
    for label, decode in (("Kafka alone: bare aiokafka getmany, records untouched", False),
                          ("Kafka + decoding: aiokafka and from_kafka → Envelope", True)):
        before = Cpu.take(stack)
        seconds, steady = await _consume(admin_login(stack.settings), topic, events, decode)
        t.add(stage=label, events=events, seconds=round(seconds, 2),
              **{"events/s": round(events / seconds), "events/s after the group join": round(steady)},
              **before.per_event(Cpu.take(stack), events))
    seconds, cpu, split = await _database_only(stack, pool, events)
    t.add(stage="PostgreSQL alone: claims + apply_batch + checkpoint per batch, events in memory", events=events,
          seconds=round(seconds, 2), **{"events/s": round(events / seconds),
                                        "events/s after the group join": round(events / seconds)}, **cpu)
    t.notes.append("Kafka rows: time from starting a fresh consumer group to the last record (join included), "
                   "and from the first record on; "
                   "harness CPU = the consumer (aiokafka's fetcher and record parsing). PostgreSQL row: only the "
                   "time inside the transactions counts (building the events does not); one connection, "
                   f"batches of {MAX_RECORDS:,} events, as the runner does; of its time: "
                   + ", ".join(f"{k} {v / seconds:.0%}" for k, v in split.items()) + ".")


async def _consume(login: KafkaLogin, topic: str, events: int, decode: bool) -> tuple[float, float]:
    consumer = make_consumer(login, f"bench-limit-{uuid.uuid4().hex[:6]}", topic, client_id="bench-limit")
    seen = 0
    t0 = time.perf_counter()
    first: tuple[float, int] | None = None
    await consumer.start()
    try:
        while seen < events:
            for records in (await consumer.getmany(timeout_ms=500, max_records=MAX_RECORDS)).values():
                if decode:
                    for r in records:
                        from_kafka(r.key, r.value, r.headers)
                seen += len(records)
            if first is None and seen:
                first = (time.perf_counter(), seen)
        end = time.perf_counter()
        after_join = (events - first[1]) / max(end - first[0], 1e-6) if first[1] < events else events / (end - t0)
        return end - t0, after_join
    finally:
        await consumer.stop()


async def _database_only(stack: BenchStack, pool, events: int) -> tuple[float, dict, dict[str, float]]:

    projection = YouthProjection.__new__(YouthProjection)  # no topic needed: nothing is consumed
    projection.topics = ()
    await reset_projection(pool, projection)
    now = datetime.now(UTC)
    spent = harness = 0.0
    split = dict.fromkeys(("claims", "apply_batch", "checkpoint + commit"), 0.0)
    before = Cpu.take(stack)  # PostgreSQL and Kafka idle while the events are built: their whole delta counts
    for start in range(0, events, MAX_RECORDS):
        batch = []
        for i in range(start, min(start + MAX_RECORDS, events)):
            _, public, _ = codec.encode(registered(i))
            batch.append(Envelope(id=uuid.uuid4(), type=YouthRegistered.TYPE, source="/xinqing/registry",
                                  subject=stream_id(public["youth_id"]), stream_version=1, time=now,
                                  data=public))
        c0, t0 = process_seconds(None), time.perf_counter()
        async with pool.acquire() as conn:
            tx = conn.transaction()
            await tx.start()
            verdicts = await claim_batch(conn, projection.name, batch)
            t1 = time.perf_counter()
            await projection.apply_batch(conn, [e for e, ok in zip(batch, verdicts) if ok])
            t2 = time.perf_counter()
            await write_checkpoints(conn, projection.name, [("bench.db-only", 0, start + len(batch), now)])
            await tx.commit()
        t3 = time.perf_counter()
        split["claims"] += t1 - t0
        split["apply_batch"] += t2 - t1
        split["checkpoint + commit"] += t3 - t2
        spent += t3 - t0
        harness += process_seconds(None) - c0
    cpu = before.per_event(Cpu.take(stack), events)
    cpu["CPU µs/event (harness)"] = round(harness / events * 1e6, 1)
    return spent, cpu, split
