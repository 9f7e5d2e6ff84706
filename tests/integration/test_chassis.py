"""The chassis' promises (ARCHITECTURE.md, "Properties that must hold"), on real PostgreSQL and Kafka."""
from __future__ import annotations

import asyncio
import random
import time

import pytest

from chassis.commands import execute
from chassis.errors import VersionConflict
from chassis.fetched import next_beat
from chassis.kafka_login import admin_login
from chassis.projection import ProjectionRunner
from chassis.relay import OutboxRelay
from tests.integration import chassis_fixtures as fx
from tests.support import eventually

pool = fx.counters_pool


def make_relay(settings) -> OutboxRelay:
    return fx.relay(settings, poll_interval=0.2, retry_delay=0.5)


def make_runner(settings, pool) -> ProjectionRunner:
    return fx.runner(settings, pool, fx.CounterProjection(settings), "test.counters")


async def tick(pool, settings, stream: str, amount: int = 1, expected: int | None = None):
    async with pool.acquire() as conn, conn.transaction():
        return await execute(conn, fx.store(settings), fx.counter, stream, fx.Tick(amount), expected_version=expected)


async def applied_rows(pool):
    async with pool.acquire() as conn:
        return await conn.fetch("SELECT stream_id, version FROM counter_applied ORDER BY seq")


async def stored_count(pool, prefix: str) -> int:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM events WHERE stream_id LIKE $1", prefix + "%")


def assert_exactly_once_in_order(rows, prefix: str, expected_per_stream: dict[str, int]) -> None:
    mine = [(r["stream_id"], r["version"]) for r in rows if r["stream_id"].startswith(prefix)]
    seen: dict[str, list[int]] = {}
    for stream, version in mine:
        seen.setdefault(stream, []).append(version)
    assert set(seen) == set(expected_per_stream), "a stream is missing or unexpected"
    for stream, versions in seen.items():
        assert versions == list(range(1, expected_per_stream[stream] + 1)), f"{stream}: {versions[:20]}"


async def test_conflicting_append_is_refused_with_the_current_version(pool, settings):
    await tick(pool, settings, "occ-1")
    await tick(pool, settings, "occ-1", expected=1)
    with pytest.raises(VersionConflict) as refused:
        await tick(pool, settings, "occ-1", expected=1)
    assert refused.value.current == 2
    assert refused.value.body()["current_version"] == 2


async def test_concurrent_appends_on_one_stream_never_lose_an_update(pool, settings):
    """Ten writers race for version 1 of one stream: exactly one wins, the rest conflict."""
    results = await asyncio.gather(*(tick(pool, settings, "race-1", expected=0) for _ in range(10)),
                                   return_exceptions=True)
    winners = [r for r in results if not isinstance(r, Exception)]
    assert len(winners) == 1
    assert all(isinstance(r, VersionConflict) and r.current == 1 for r in results if r not in winners)


async def test_many_concurrent_writers_every_event_delivered_exactly_once_in_stream_order(pool, settings):
    """25 writers, 3,000 events over 60 streams, committed concurrently (so sequence order differs
    from commit order): the consumer applies each exactly once, per stream in version order."""
    relay, runner = make_relay(settings), make_runner(settings, pool)
    relay.start()
    runner.start()
    streams = [f"many-{i}" for i in range(60)]
    per_writer = 120

    async def writer(seed: int) -> dict[str, int]:
        rng = random.Random(seed)
        done: dict[str, int] = {}
        for _ in range(per_writer):
            stream = rng.choice(streams)
            while True:  # optimistic concurrency: retry a conflict on a fresh read
                try:
                    await tick(pool, settings, stream)
                    break
                except VersionConflict:
                    await asyncio.sleep(0)
            done[stream] = done.get(stream, 0) + 1
        return done

    try:
        counts = await asyncio.gather(*(writer(i) for i in range(25)))
        expected: dict[str, int] = {}
        for c in counts:
            for stream, n in c.items():
                expected[stream] = expected.get(stream, 0) + n
        assert sum(expected.values()) == 25 * per_writer

        async def all_applied():
            return len([r for r in await applied_rows(pool) if r["stream_id"].startswith("many-")]) >= 3000

        await eventually(all_applied, timeout=90)
        await asyncio.sleep(1)  # a late duplicate would show now
        assert_exactly_once_in_order(await applied_rows(pool), "many-", expected)
    finally:
        await runner.stop()
        await relay.stop()


async def test_commands_succeed_while_kafka_is_dead_and_the_backlog_drains_exactly_once(pool, settings, infra):
    """SIGKILL the broker, keep writing (commands still succeed), restart it: nothing lost, nothing doubled."""
    if not infra.can_inject_faults:
        pytest.fail("fault injection needs the project's launcher (XQ_TEST_EXTERNAL/containers cannot kill the broker)")
    relay, runner = make_relay(settings), make_runner(settings, pool)
    relay.start()
    runner.start()
    try:
        for i in range(20):
            await tick(pool, settings, f"outage-{i % 4}")
        await eventually(lambda: _count_applied(pool, "outage-", 20), timeout=60)

        await infra.kill("kafka")
        started = asyncio.get_running_loop().time()
        for i in range(40):  # the write path does not touch Kafka
            await tick(pool, settings, f"outage-{i % 4}")
        assert asyncio.get_running_loop().time() - started < 10
        assert await stored_count(pool, "outage-") == 60
        await asyncio.sleep(2)
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM outbox") >= 40  # waiting, not lost

        await infra.start("kafka")
        await eventually(lambda: _count_applied(pool, "outage-", 60), timeout=120)
        await asyncio.sleep(1)
        assert_exactly_once_in_order(await applied_rows(pool), "outage-", {f"outage-{i}": 15 for i in range(4)})
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
    finally:
        await runner.stop()
        await relay.stop()


async def _count_applied(pool, prefix: str, n: int) -> bool:
    return len([r for r in await applied_rows(pool) if r["stream_id"].startswith(prefix)]) >= n


async def test_a_republished_event_is_applied_once(pool, settings):
    """A relay that died after Kafka acknowledged but before deleting its outbox rows sends them again:
    the consumer's inbox (per-stream version) drops the repeats."""
    relay, runner = make_relay(settings), make_runner(settings, pool)
    runner.start()
    relay.start()
    try:
        for _ in range(5):
            await tick(pool, settings, "again-1")
        await eventually(lambda: _count_applied(pool, "again-", 5), timeout=60)
        async with pool.acquire() as conn:  # put every event of the stream back in the outbox
            await conn.execute("INSERT INTO outbox (global_position, topic) SELECT global_position, $1 FROM events "
                               "WHERE stream_id = 'again-1' ORDER BY version", settings.topic(fx.TOPIC))
            await conn.execute("NOTIFY xq_outbox")
        await eventually(lambda: _outbox_empty(pool), timeout=60)
        await eventually(lambda: _skipped_at_least(runner, 5), timeout=30)
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT total, events FROM counter_totals WHERE stream_id = 'again-1'")
        assert (row["total"], row["events"]) == (5, 5)
    finally:
        await runner.stop()
        await relay.stop()


async def _outbox_empty(pool) -> bool:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT count(*) FROM outbox") == 0


async def _skipped_at_least(runner, n: int) -> bool:
    return runner.skipped >= n


class ConsumerKilled(BaseException):
    """Like SIGKILL for the consumer task: nothing after this point runs."""


class DiesBeforeOffsetCommit(ProjectionRunner):
    """Commits offsets normally until it has applied 7 events, then dies right before the commit."""

    async def _commit_offsets(self, consumer, batches) -> None:
        if self.applied >= 7:
            raise ConsumerKilled()
        await super()._commit_offsets(consumer, batches)


async def test_consumer_killed_between_database_commit_and_offset_commit_applies_once(pool, settings):
    """The effect and the checkpoint commit together; the Kafka offset commit never happens. A new
    consumer resumes from the database checkpoint and applies nothing twice."""
    relay = make_relay(settings)
    dying = DiesBeforeOffsetCommit(pool, admin_login(settings), fx.CounterProjection(settings),
                                   group=settings.group("test.counters"), client_id="dying")
    relay.start()
    try:
        for _ in range(7):
            await tick(pool, settings, "crash-1")
        dying.start()
        await eventually(lambda: _count_applied(pool, "crash-", 7), timeout=60)
        await eventually(lambda: _has_died(dying), timeout=60)  # stopped while dying, it would end cancelled
        with pytest.raises(ConsumerKilled):
            await dying.stop()
        fresh = make_runner(settings, pool)
        fresh.start()
        await tick(pool, settings, "crash-1")
        await eventually(lambda: _count_applied(pool, "crash-", 8), timeout=60)
        await asyncio.sleep(1)
        await fresh.stop()
        async with pool.acquire() as conn:
            row = await conn.fetchrow("SELECT total, events FROM counter_totals WHERE stream_id = 'crash-1'")
        assert (row["total"], row["events"]) == (8, 8)
    finally:
        await relay.stop()


async def test_live_writes_wait_for_the_beat_and_are_applied_together(pool, settings):
    """With a beat, events trickling in are not applied one fetch at a time: they wait for the next multiple
    of the beat on the wall clock and are committed together (chassis/projection.py `next_beat`)."""
    beat = 3.0
    relay = make_relay(settings)
    runner = fx.runner(settings, pool, fx.CounterProjection(settings), "test.counters", beat=beat)
    relay.start()
    runner.start()
    try:
        await tick(pool, settings, "beat-0")
        await eventually(lambda: _count_applied(pool, "beat-", 1), timeout=60)  # the consumer has joined
        await asyncio.sleep(next_beat(time.time(), beat) + 0.05)  # just after a beat: the next is 3 s away
        before = runner.batches
        for i in range(12):
            await tick(pool, settings, f"beat-{i % 3 + 1}")
            await asyncio.sleep(0.05)
        assert not await _count_applied(pool, "beat-", 2), "applied before the beat"
        await eventually(lambda: _count_applied(pool, "beat-", 13), timeout=30)
        assert runner.batches - before == 1
    finally:
        await runner.stop()
        await relay.stop()


async def _has_died(runner: ProjectionRunner) -> bool:
    return not runner.applies_here


async def test_rebuilt_read_model_equals_the_incrementally_built_one(pool, settings):
    relay, runner = make_relay(settings), make_runner(settings, pool)
    relay.start()
    runner.start()
    try:
        for i in range(30):
            await tick(pool, settings, f"replay-{i % 5}", amount=i)
        await eventually(lambda: _count_applied(pool, "replay-", 30), timeout=60)
        await asyncio.sleep(0.5)

        async def snapshot():
            async with pool.acquire() as conn:
                totals = await conn.fetch("SELECT * FROM counter_totals ORDER BY stream_id")
                versions = await conn.fetch("SELECT stream_id, version FROM projection_streams WHERE projection = $1 "
                                            "ORDER BY stream_id", "test.counters")
            return [tuple(r) for r in totals], [tuple(r) for r in versions]

        incremental = await snapshot()
        await runner.rebuild()
        async with pool.acquire() as conn:
            total_events = await conn.fetchval("SELECT count(*) FROM events")
        await eventually(lambda: _applied_total(pool, total_events), timeout=90)
        assert await snapshot() == incremental
    finally:
        await runner.stop()
        await relay.stop()


async def _applied_total(pool, n: int) -> bool:
    async with pool.acquire() as conn:
        return await conn.fetchval("SELECT coalesce(sum(events), 0) FROM counter_totals") >= n
