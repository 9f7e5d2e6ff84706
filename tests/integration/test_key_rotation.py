"""Master-key rotation on real PostgreSQL: after the re-wrap, the registry's vault with the new key
reads every person's sealed data, the old key reads nothing, and a second run changes nothing."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from chassis import db
from chassis.vault import Vault
from xinqing.rotate import rewrap

pytestmark = pytest.mark.integration
MIGRATIONS = Path(__file__).resolve().parents[2] / "services" / "registry" / "migrations"


async def test_rewrapped_keys_open_with_the_new_master_key_only(settings):
    dsn = settings.database_url(settings.database("registry"))
    await db.wait_for_database(dsn, create=True)
    pool = await db.create_pool(dsn)
    old_key, new_key, blind = os.urandom(32), os.urandom(32), os.urandom(32)
    old, new = Vault(old_key, "k1", blind), Vault(new_key, "k2", blind)
    try:
        await db.migrate(pool, MIGRATIONS)
        async with pool.acquire() as conn:
            sealed = {f"youth-{i}": await old.seal(conn, f"youth-{i}", f"秘密{i}".encode()) for i in range(25)}

        assert await rewrap(dsn, old_key, "k1", new_key, "k2", batch=10) == 25
        assert await rewrap(dsn, old_key, "k1", new_key, "k2", batch=10) == 0  # resumable: nothing left

        async with pool.acquire() as conn:
            for subject, blob in sealed.items():
                assert await new.unseal(conn, subject, blob) == f"秘密{subject[6:]}".encode()
            with pytest.raises(RuntimeError, match="k2"):
                await old.unseal(conn, "youth-0", sealed["youth-0"])
            assert await conn.fetchval("SELECT count(*) FROM person_keys WHERE key_id = 'k2'") == 25
        with pytest.raises(ValueError):
            await rewrap(dsn, new_key, "k2", old_key, "k2")
    finally:
        await pool.close()
