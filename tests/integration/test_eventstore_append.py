"""EventStore.append and append_many on real PostgreSQL: one round trip, nothing half-written."""
from __future__ import annotations

import asyncio

import pytest

from chassis.errors import VersionConflict
from chassis.eventstore import OUTBOX_CHANNEL, Companion
from tests.integration import chassis_fixtures as fx

pool = fx.counters_pool


async def versions(pool, stream: str) -> list[int]:
    return [r["version"] for r in await pool.fetch(
        "SELECT version FROM events WHERE stream_id = $1 ORDER BY version", stream)]


async def queued(pool, stream: str) -> list[int]:
    """Versions of `stream` waiting in the outbox, in the order the relay will send them."""
    return [r["version"] for r in await pool.fetch(
        "SELECT e.version FROM outbox o JOIN events e USING (global_position) WHERE e.stream_id = $1 ORDER BY o.id",
        stream)]


async def test_an_append_stores_its_events_and_queues_them_in_version_order_and_wakes_the_relay(pool, settings):
    store = fx.store(settings)
    woken = asyncio.Event()
    async with pool.acquire() as listener:
        def wake(*_):
            woken.set()

        await listener.add_listener(OUTBOX_CHANNEL, wake)
        async with pool.acquire() as conn, conn.transaction():
            envelopes = await store.append(conn, "append-1", 0, [fx.Ticked(1), fx.Ticked(2), fx.Ticked(3)])
        await asyncio.wait_for(woken.wait(), 5)
        await listener.remove_listener(OUTBOX_CHANNEL, wake)
    assert [e.stream_version for e in envelopes] == [1, 2, 3]
    positions = [e.global_position for e in envelopes]
    assert positions == sorted(positions) and len(set(positions)) == 3
    assert await versions(pool, "append-1") == [1, 2, 3]
    assert await queued(pool, "append-1") == [1, 2, 3]


async def test_a_conflicting_append_leaves_nothing_behind_even_if_the_caller_commits(pool, settings):
    """Version 1 is taken, version 2 is free: appending [1, 2] conflicts, and 2 must not survive a caller
    that catches the conflict and commits its transaction anyway."""
    store = fx.store(settings)
    async with pool.acquire() as conn, conn.transaction():
        await store.append(conn, "append-2", 0, [fx.Ticked(1)])
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(VersionConflict) as refused:
            await store.append(conn, "append-2", 0, [fx.Ticked(5), fx.Ticked(6)])
    assert refused.value.current == 1
    assert await versions(pool, "append-2") == [1]
    assert await queued(pool, "append-2") == [1]


async def test_append_many_writes_every_stream_in_one_call_each_in_version_order(pool, settings):
    store = fx.store(settings)
    async with pool.acquire() as conn, conn.transaction():
        await store.append(conn, "bulk-old", 0, [fx.Ticked(1)])
        written = await store.append_many(conn, [("bulk-a", 0, [fx.Ticked(1), fx.Ticked(2)]),
                                                 ("bulk-b", 0, [fx.Ticked(3)]),
                                                 ("bulk-old", 1, [fx.Ticked(4), fx.Ticked(5)])])
    assert [[(e.subject, e.stream_version) for e in envs] for envs in written] == [
        [("bulk-a", 1), ("bulk-a", 2)], [("bulk-b", 1)], [("bulk-old", 2), ("bulk-old", 3)]]
    assert all(e.global_position is not None for envs in written for e in envs)
    assert await versions(pool, "bulk-a") == [1, 2] and await queued(pool, "bulk-a") == [1, 2]
    assert await versions(pool, "bulk-old") == [1, 2, 3] and await queued(pool, "bulk-old") == [1, 2, 3]
    assert [e.data["amount"] for e in written[2]] == [4, 5]


async def test_append_many_is_all_or_nothing_and_names_the_stream_that_conflicted(pool, settings):
    store = fx.store(settings)
    async with pool.acquire() as conn, conn.transaction():
        await store.append(conn, "bulk-taken", 0, [fx.Ticked(1)])
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(VersionConflict) as refused:
            await store.append_many(conn, [("bulk-free", 0, [fx.Ticked(1)]), ("bulk-taken", 0, [fx.Ticked(2)]),
                                           ("bulk-free-2", 0, [fx.Ticked(3)])])
    assert refused.value.body()["current_version"] == 1
    assert refused.value.stream_id == "bulk-taken"
    assert await versions(pool, "bulk-free") == [] and await versions(pool, "bulk-free-2") == []
    assert await versions(pool, "bulk-taken") == [1]


async def test_append_many_refuses_a_stream_listed_twice(pool, settings):
    async with pool.acquire() as conn, conn.transaction():
        with pytest.raises(ValueError, match="once"):
            await fx.store(settings).append_many(conn, [("bulk-twice", 0, [fx.Ticked(1)]),
                                                        ("bulk-twice", 1, [fx.Ticked(2)])])


async def _scratch(conn) -> None:
    await conn.execute("CREATE TEMP TABLE IF NOT EXISTS beside (stream text PRIMARY KEY, note text NOT NULL)")


async def test_companions_ride_in_the_append_statement_and_give_back_their_rows(pool, settings):
    """The rows a service keeps beside its events cost no round trip of their own: one statement for the
    events, the outbox, the NOTIFY and every companion, whose RETURNING rows come back."""
    store = fx.store(settings)
    sent: list[str] = []
    async with pool.acquire() as conn:
        await _scratch(conn)
        def log(record) -> None:
            sent.append(record.query)

        conn.add_query_logger(log)
        async with conn.transaction():
            noted = Companion("INSERT INTO beside (stream, note) VALUES ($1, $2) RETURNING stream, note",
                              ("beside-1", "first"), returns=True)
            quiet = Companion("INSERT INTO beside (stream, note) SELECT $1::text, $2::text", ("beside-1b", "second"))
            await store.append(conn, "beside-1", 0, [fx.Ticked(1)], companions=[noted, quiet])
        conn.remove_query_logger(log)
        assert noted.rows == [{"stream": "beside-1", "note": "first"}]
        assert [r["note"] for r in await conn.fetch("SELECT note FROM beside ORDER BY stream")] == ["first", "second"]
    assert [q for q in sent if "INSERT INTO events" in q or "beside" in q] == [sent[1]]  # BEGIN, the append, COMMIT
    assert len(sent) == 3
    assert await versions(pool, "beside-1") == [1] and await queued(pool, "beside-1") == [1]


async def test_a_conflict_with_companions_propagates_and_the_rollback_takes_everything_back(pool, settings):
    store = fx.store(settings)
    async with pool.acquire() as conn, conn.transaction():
        await store.append(conn, "beside-2", 0, [fx.Ticked(1)])
    async with pool.acquire() as conn:
        await _scratch(conn)
        with pytest.raises(VersionConflict):
            async with conn.transaction():
                await store.append(conn, "beside-2", 0, [fx.Ticked(2)],
                                   companions=[Companion("INSERT INTO beside VALUES ($1, $2)", ("beside-2", "lost"))])
        assert await conn.fetchval("SELECT count(*) FROM beside WHERE stream = 'beside-2'") == 0
    assert await versions(pool, "beside-2") == [1]


async def test_companions_of_a_command_that_appended_nothing_still_run_in_one_statement(pool, settings):
    store = fx.store(settings)
    async with pool.acquire() as conn:
        await _scratch(conn)
        async with conn.transaction():
            noted = Companion("INSERT INTO beside VALUES ($1, $2) RETURNING note", ("beside-3", "no event"),
                              returns=True)
            assert await store.append(conn, "beside-3", 0, [], companions=[noted]) == []
        assert noted.rows == [{"note": "no event"}]
        assert await conn.fetchval("SELECT note FROM beside WHERE stream = 'beside-3'") == "no event"
    assert await versions(pool, "beside-3") == []


async def test_a_strict_append_of_its_own_fails_whole_on_a_taken_version_companions_included(pool, settings):
    """Outside a transaction (autocommit) the statement is the transaction: a taken version must fail it
    all, or the companions' rows would stay without their events."""
    store = fx.store(settings)
    async with pool.acquire() as conn:
        await store.append(conn, "beside-4", 0, [fx.Ticked(1)], strict=True)
        await _scratch(conn)
        with pytest.raises(VersionConflict) as refused:
            await store.append(conn, "beside-4", 0, [fx.Ticked(2)], strict=True,
                               companions=[Companion("INSERT INTO beside VALUES ($1, $2)", ("beside-4", "lost"))])
        assert refused.value.current == 1
        assert await conn.fetchval("SELECT count(*) FROM beside WHERE stream = 'beside-4'") == 0
    assert await versions(pool, "beside-4") == [1] and await queued(pool, "beside-4") == [1]
