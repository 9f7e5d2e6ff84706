"""`python -m bench.consumer_fetches [seconds]`: what a steady trickle of events costs the broker and the
consumers, by the consumers' fetch settings (chassis/kafka.py `consumer`).

The live write path, alone: a producer sends `RATE` events a second (about the size of a registration's
envelope) to a topic of the project's partition count, and `GROUPS` consumer groups of one consumer each read
it, as the gateway's projections do (each its own group), taking what `getmany` returns in a loop. Each
setting runs on the same broker, one after the other, after a warm-up. Reported per setting: fetch requests per
consumer and second, records per fetch, the broker's and this process's CPU per event (every group's reading
of it included), and the delay from an event's send to its arrival at a consumer (p50, p99)."""
from __future__ import annotations

import asyncio
import os
import sys
import time
import uuid

import numpy as np
from aiokafka.protocol.fetch import FetchRequest

from chassis.kafka import FETCH_MAX_WAIT_MS, FETCH_MIN_BYTES, TopicSpec, consumer, ensure_topics, producer
from chassis.kafka_login import admin_login
from chassis.kafka_ready import wait_for_group_coordinator

from .cpu import process_seconds
from .stack import BenchStack

RATE = 300  # events/s: benchmark 5b's write mix puts about this many on the topics
GROUPS = 20  # the gateway runs about twenty projections, each a consumer group of its own
PAYLOAD = b"x" * 900
SETTINGS = {"the project's": (FETCH_MIN_BYTES, FETCH_MAX_WAIT_MS), "a 64 KB minimum": (64 * 1024, FETCH_MAX_WAIT_MS)}


class FetchCount:
    """Counts the fetch requests a consumer's client sends (aiokafka sends each through `AIOKafkaClient.send`)."""

    def __init__(self, client) -> None:
        self.n = 0
        send = client.send

        async def counted(node_id, request, *args, **kwargs):
            if isinstance(request, FetchRequest):
                self.n += 1
            return await send(node_id, request, *args, **kwargs)
        client.send = counted


async def _setting(stack: BenchStack, name: str, min_bytes: int, max_wait_ms: int, seconds: float) -> str:
    login = admin_login(stack.settings)
    topic = f"bench.fetches.{uuid.uuid4().hex[:6]}"
    await ensure_topics(login, [TopicSpec(topic, stack.settings.kafka_partitions)])
    groups = [f"bench-fetches-{topic}-{g}" for g in range(GROUPS)]
    await wait_for_group_coordinator(login, groups[0])  # the first run on a fresh broker: not an error
    consumers = [consumer(login, group, topic, client_id=f"bench-{g}", fetch_min_bytes=min_bytes,
                          fetch_max_wait_ms=max_wait_ms) for g, group in enumerate(groups)]
    counts = [FetchCount(c._client) for c in consumers]
    delays: list[float] = []
    received = 0
    stop = asyncio.Event()

    async def read(c) -> None:
        nonlocal received
        while not stop.is_set():
            batches = await c.getmany(timeout_ms=200)
            now = time.time()
            for records in batches.values():
                received += len(records)
                if measuring:
                    delays.extend(now - r.timestamp / 1000 for r in records)

    send = producer(login, "bench-fetches")
    await send.start()
    await asyncio.gather(*(c.start() for c in consumers))
    readers = [asyncio.create_task(read(c)) for c in consumers]
    measuring = False

    async def trickle(duration: float) -> int:
        sent, start = 0, time.perf_counter()
        while (elapsed := time.perf_counter() - start) < duration:
            due = int(elapsed * RATE)
            while sent < due:
                await send.send(topic, PAYLOAD, key=str(sent).encode())
                sent += 1
            await asyncio.sleep(0.002)
        return sent

    await trickle(5)  # warm: group joins, partition assignment, the first fetches
    measuring = True
    fetches0 = sum(c.n for c in counts)
    broker0, me0 = process_seconds(stack.infra.kafka_process.popen.pid), process_seconds(None)
    sent = await trickle(seconds)
    broker, me = (process_seconds(stack.infra.kafka_process.popen.pid) - broker0, process_seconds(None) - me0)
    fetches = sum(c.n for c in counts) - fetches0
    stop.set()
    await asyncio.gather(*readers)
    await asyncio.gather(*(c.stop() for c in consumers))
    await send.stop()
    p50, p99 = np.percentile(np.array(delays) * 1000, [50, 99])
    return (f"| {name}: fetch_min_bytes {min_bytes:,}, fetch_max_wait_ms {max_wait_ms} | "
            f"{fetches / seconds / GROUPS:.1f} | {sent * GROUPS / max(fetches, 1):.1f} | {broker / sent * 1000:.3f} | "
            f"{me / sent * 1000:.3f} | {p50:.0f} | {p99:.0f} |")


async def main(stack: BenchStack, seconds: float) -> None:
    print(f"{RATE} events/s for {seconds:g} s, {GROUPS} consumer groups, "
          f"{stack.settings.kafka_partitions} partitions, load average {os.getloadavg()[0]:.2f}")
    print("| consumers' fetch settings | fetches per consumer /s | records per fetch | broker CPU ms/event | "
          "consumers' and producer's CPU ms/event | delay p50 ms | delay p99 ms |")
    print("|---|---|---|---|---|---|---|")
    for name, (min_bytes, max_wait_ms) in SETTINGS.items():
        print(await _setting(stack, name, min_bytes, max_wait_ms, seconds), flush=True)


if __name__ == "__main__":
    duration = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    bench_stack = BenchStack()
    try:
        bench_stack.start_infra()
        asyncio.run(main(bench_stack, duration))
    finally:
        bench_stack.stop()
