"""Batched claims and set-based projections (`apply_batch`): still each effect exactly once, in order."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

from chassis.claims import COPY_FROM
from chassis.envelope import Envelope
from chassis.projection import claim_batch
from tests.integration import chassis_fixtures as fx
from tests.support import eventually

pool = fx.counters_pool


def ev(stream: str, version: int) -> Envelope:
    return Envelope(id=uuid.uuid4(), type=fx.Ticked.TYPE, source="/t", subject=stream, stream_version=version,
                    time=datetime.now(UTC), data={"amount": 1})


async def test_a_batch_claims_each_next_version_once_and_refuses_repeats_and_gaps(pool):
    async with pool.acquire() as conn, conn.transaction():
        assert await claim_batch(conn, "p.batch", [ev("b-1", 1)]) == [True]
    batch = [ev("b-1", 1), ev("b-1", 2), ev("b-2", 1), ev("b-1", 3), ev("b-2", 3), ev("b-2", 2), ev("b-3", 2)]
    async with pool.acquire() as conn, conn.transaction():
        verdicts = await claim_batch(conn, "p.batch", batch)
    #           repeat  next  new   next  gap    next  gap (v1 never came)
    assert verdicts == [False, True, True, True, False, True, False]
    rows = await pool.fetch("SELECT stream_id, version FROM projection_streams WHERE projection = 'p.batch' "
                            "ORDER BY stream_id")
    assert [(r["stream_id"], r["version"]) for r in rows] == [("b-1", 3), ("b-2", 2)]


async def test_a_big_batch_of_new_streams_is_claimed_by_copy_and_a_repeat_among_them_still_refused(pool):
    """From COPY_FROM new streams on the claims are copied; one stream already claimed makes the copy fail
    in its savepoint and the insert sort the batch out: the repeat refused, the others claimed, once."""
    first = [ev(f"c-{i:03}", 1) for i in range(COPY_FROM)]
    async with pool.acquire() as conn, conn.transaction():
        assert await claim_batch(conn, "p.copy", first) == [True] * COPY_FROM
    more = [ev(f"c-{i:03}", 1) for i in range(COPY_FROM - 1, 2 * COPY_FROM)] + [ev("c-000", 2)]
    async with pool.acquire() as conn, conn.transaction():
        verdicts = await claim_batch(conn, "p.copy", more)
    assert verdicts == [False] + [True] * COPY_FROM + [True]
    async with pool.acquire() as conn, conn.transaction():  # everything again: all repeats
        assert await claim_batch(conn, "p.copy", first + more) == [False] * (len(first) + len(more))
    rows = await pool.fetch("SELECT stream_id, version FROM projection_streams WHERE projection = 'p.copy'")
    assert sorted((r["stream_id"], r["version"]) for r in rows) == sorted(
        [("c-000", 2)] + [(f"c-{i:03}", 1) for i in range(1, 2 * COPY_FROM)])


def rival_claim(conn, events: list[Envelope]) -> asyncio.Task[list[bool]]:
    """A second claimant of "p.race", in a transaction of its own and a task of its own (it may wait on a row
    the first claimant holds)."""
    async def claim() -> list[bool]:
        async with conn.transaction():
            return await claim_batch(conn, "p.race", events)
    return asyncio.create_task(claim())


async def test_two_consumers_claiming_the_same_new_stream_at_once_apply_it_once(pool):
    """A rebalance overlap: the second claimant waits for the first, then reads the event as a repeat."""
    async with pool.acquire() as first, pool.acquire() as second:
        tx = first.transaction()
        await tx.start()
        assert await claim_batch(first, "p.race", [ev("r-1", 1)]) == [True]
        late = rival_claim(second, [ev("r-1", 1)])
        await asyncio.sleep(0.3)  # the rival now waits on the first claimant's row
        assert not late.done()
        await tx.commit()
        assert await late == [False]
    assert await pool.fetchval("SELECT version FROM projection_streams WHERE projection = 'p.race' "
                               "AND stream_id = 'r-1'") == 1


async def test_a_claimant_whose_rival_rolls_back_claims_the_stream_itself(pool):
    async with pool.acquire() as first, pool.acquire() as second:
        tx = first.transaction()
        await tx.start()
        assert await claim_batch(first, "p.race", [ev("r-2", 1)]) == [True]
        late = rival_claim(second, [ev("r-2", 1), ev("r-2", 2)])
        await asyncio.sleep(0.3)
        await tx.rollback()
        assert await late == [True, True]


class BatchedCounters(fx.CounterProjection):
    """The counters projection written set-based, as a read model under heavy replay would be."""

    async def apply_batch(self, conn, events) -> None:
        await conn.executemany(
            "INSERT INTO counter_totals (stream_id, total, events) VALUES ($1, $2, 1) ON CONFLICT (stream_id) "
            "DO UPDATE SET total = counter_totals.total + EXCLUDED.total, events = counter_totals.events + 1",
            [(e.subject, e.data["amount"]) for e in events])
        await conn.execute("INSERT INTO counter_applied (stream_id, version) SELECT * FROM unnest($1::text[], $2::int[])",
                           [e.subject for e in events], [e.stream_version for e in events])


async def test_a_set_based_projection_applies_every_event_once_in_stream_order(pool, settings):
    relay = fx.relay(settings, poll_interval=0.2)
    runner = fx.runner(settings, pool, BatchedCounters(settings), "test.batched")
    store = fx.store(settings)
    relay.start()
    runner.start()
    try:
        for round_ in range(1, 6):  # 5 versions of 40 streams, several per Kafka batch
            async with pool.acquire() as conn, conn.transaction():
                await store.append_many(conn, [(f"set-{i}", round_ - 1, [fx.Ticked(1)]) for i in range(40)])

        async def all_applied() -> bool:
            return await pool.fetchval("SELECT count(*) FROM counter_applied WHERE stream_id LIKE 'set-%'") >= 200

        await eventually(all_applied, timeout=90)
        await asyncio.sleep(1)  # a late duplicate would show now
        rows = await pool.fetch("SELECT stream_id, version FROM counter_applied WHERE stream_id LIKE 'set-%' ORDER BY seq")
        per_stream: dict[str, list[int]] = {}
        for r in rows:
            per_stream.setdefault(r["stream_id"], []).append(r["version"])
        assert per_stream == {f"set-{i}": [1, 2, 3, 4, 5] for i in range(40)}
        totals = await pool.fetch("SELECT total, events FROM counter_totals WHERE stream_id LIKE 'set-%'")
        assert {(r["total"], r["events"]) for r in totals} == {(5, 5)}
    finally:
        await runner.stop()
        await relay.stop()
