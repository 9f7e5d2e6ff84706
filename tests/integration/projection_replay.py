"""The same events through a projection two ways, for tests that a set-based `apply_batch` builds exactly
the read model of `apply` one event at a time: each way on a database of its own, through the chassis'
claims."""
from __future__ import annotations

import uuid
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from chassis import db
from chassis.envelope import Envelope
from chassis.projection import claim, claim_batch

GATEWAY_MIGRATIONS = Path(__file__).resolve().parents[2] / "gateway" / "migrations"
# One database per way the same events are applied: one by one, set-based in cut batches, set-based whole.
WAYS = ("one_by_one", "set_based", "set_based_whole")


class Streams:
    """Events of several streams in one interleaved order, each stream's versions counted as its store would:
    `streams(stream, event_type, **data)` adds the next one."""

    def __init__(self, source: str):
        self.source = source
        self.events: list[Envelope] = []
        self.versions: dict[str, int] = {}

    def __call__(self, stream: str, event_type: str, **data) -> None:
        self.versions[stream] = self.versions.get(stream, 0) + 1
        self.events.append(Envelope(id=uuid.uuid4(), type=event_type, source=self.source, subject=stream,
                                    stream_version=self.versions[stream], time=datetime.now(UTC), data=data))


@asynccontextmanager
async def gateway_databases(settings, prefix: str, names: tuple[str, ...] = WAYS):
    """A fresh gateway database per name (migrated), as pools; closed at the end."""
    made = []
    try:
        for name in names:
            dsn = settings.database_url(settings.database(f"{prefix}_{name}"))
            await db.wait_for_database(dsn, create=True)
            pool = await db.create_pool(dsn, max_size=2)
            made.append(pool)
            await db.migrate(pool, GATEWAY_MIGRATIONS)
        yield made
    finally:
        for pool in made:
            await pool.close()


def replay_pools(prefix: str):
    """A test module's `pools` fixture: its databases for WAYS, named after `prefix`."""

    @pytest.fixture(scope="module")
    async def pools(settings):
        async with gateway_databases(settings, prefix) as made:
            yield made

    return pools


async def one_by_one(pool, projections, events: list[Envelope]) -> None:
    for event in events:
        async with pool.acquire() as conn, conn.transaction():
            for p in projections:
                if await claim(conn, p.name, event):
                    await p.apply(conn, event)


async def set_based(pool, projections, events: list[Envelope], sizes: list[int]) -> None:
    start = 0
    for size in sizes:
        batch = events[start:start + size]
        start += size
        async with pool.acquire() as conn, conn.transaction():
            for p in projections:
                verdicts = await claim_batch(conn, p.name, batch)
                await p.apply_batch(conn, [e for e, ok in zip(batch, verdicts) if ok])
    assert start == len(events)


async def tables(pool, order_by: dict[str, str]) -> dict[str, list[dict]]:
    return {t: [dict(r) for r in await pool.fetch(f"SELECT * FROM {t} ORDER BY {order}")]
            for t, order in order_by.items()}


async def applied_three_ways(pools, projections, events: list[Envelope], cuts: list[int],
                             order_by: dict[str, str]) -> dict[str, list[dict]]:
    """`events` applied one by one, set-based in batches of the sizes `cuts`, and set-based whole, each on
    its own database (`pools`, made for WAYS): the three read models are equal. Returns them, for the
    test to check that they are also right, not merely the same three times."""
    one, cut, whole = pools
    await one_by_one(one, projections, events)
    await set_based(cut, projections, events, cuts)
    await set_based(whole, projections, events, [len(events)])
    expected = await tables(one, order_by)
    assert await tables(cut, order_by) == expected
    assert await tables(whole, order_by) == expected
    return expected
