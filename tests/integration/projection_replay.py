"""The same events through a projection two ways, for tests that a set-based `apply_batch` builds exactly
the read model of `apply` one event at a time: each way on a database of its own, through the chassis'
claims."""
from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from chassis import db
from chassis.envelope import Envelope
from chassis.projection import claim, claim_batch

GATEWAY_MIGRATIONS = Path(__file__).resolve().parents[2] / "gateway" / "migrations"


@asynccontextmanager
async def gateway_databases(settings, prefix: str, names: tuple[str, ...]):
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
