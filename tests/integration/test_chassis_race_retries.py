"""chassis.commands.execute(race_retries=…) on real PostgreSQL: writers racing on one stream, none lost."""
from __future__ import annotations

import asyncio

import pytest

from chassis.commands import execute
from chassis.errors import VersionConflict
from tests.integration import chassis_fixtures as fx


async def test_racing_writers_without_an_expected_version_all_land_and_a_stale_form_still_conflicts(settings):
    pool = await fx.pool_for(settings, "races")
    store = fx.store(settings)
    try:
        async def tick(amount: int):
            async with pool.acquire() as conn, conn.transaction():
                await asyncio.sleep(0)  # let the others start their transactions too
                return await execute(conn, store, fx.counter, "race-1", fx.Tick(amount), race_retries=10)

        results = await asyncio.gather(*(tick(i) for i in range(1, 9)))
        assert sorted(r[0].stream_version for r in results) == list(range(1, 9))
        async with pool.acquire() as conn:
            total = await conn.fetchval("SELECT sum((data->>'amount')::int) FROM events WHERE stream_id = 'race-1'")
        assert total == sum(range(1, 9))

        async with pool.acquire() as conn, conn.transaction():  # an explicit version is never retried
            with pytest.raises(VersionConflict):
                await execute(conn, store, fx.counter, "race-1", fx.Tick(1), expected_version=3, race_retries=10)
    finally:
        await pool.close()
