"""`python -m bench.profile_rebuild [events]`: pyinstrument over a rebuild of the youth read model
(own PostgreSQL + Kafka, as the harness). Prints events/s and the profile tree."""
from __future__ import annotations

import sys
import uuid

from pyinstrument import Profiler

from chassis import db
from chassis.kafka_login import admin_login
from gateway.projections.youth import YouthProjection

from . import rebuild
from .stack import BenchStack, on_fresh_stack


async def profile(stack: BenchStack, events: int) -> None:
    s = stack.settings
    topic = f"bench.rebuild.{uuid.uuid4().hex[:6]}"
    await rebuild.fill_topic(admin_login(s), topic, events, s.kafka_partitions)
    pool = await db.create_pool(await stack.fresh_database("bench_rebuild", rebuild.GATEWAY_MIGRATIONS), max_size=4)
    projection = YouthProjection(s)
    projection.topics = (topic,)
    profiler = Profiler(async_mode="enabled")
    profiler.start()
    rate, _, cpu = await rebuild._build(stack, pool, projection, events, 600)
    profiler.stop()
    await pool.close()
    print(f"{rate:,.0f} events/s; {cpu}")
    print(profiler.output_text(unicode=True, color=False))


def main() -> None:
    events = int(sys.argv[1]) if len(sys.argv) > 1 else 50_000
    on_fresh_stack(lambda stack: profile(stack, events))


if __name__ == "__main__":
    main()
