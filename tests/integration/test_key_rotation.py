"""Master-key rotation on real PostgreSQL: after the re-wrap, the registry's vault with the new key
reads every person's sealed data, the old key reads nothing, and a second run changes nothing."""
from __future__ import annotations

import os

import pytest

from chassis.keystore import KeyStore
from chassis.vault import Vault
from xinqing.rotate import rewrap


async def test_rewrapped_keys_open_with_the_new_master_key_only(settings):
    store = KeyStore("registry")  # the registry's key store (chassis/keystore.py), as `xinqing` rotates it
    await store.open(settings, provisions=True)
    dsn = settings.database_url(settings.database(store.name))
    old_key, new_key, blind = os.urandom(32), os.urandom(32), os.urandom(32)
    old, new = Vault(old_key, "k1", blind, keys=store), Vault(new_key, "k2", blind, keys=store)
    try:
        sealed = {f"youth-{i}": await old.seal(None, f"youth-{i}", f"秘密{i}".encode(), "card") for i in range(25)}

        assert await rewrap(dsn, old_key, "k1", new_key, "k2", batch=10) == 25
        assert await rewrap(dsn, old_key, "k1", new_key, "k2", batch=10) == 0  # resumable: nothing left

        for subject, blob in sealed.items():
            assert await new.unseal(None, subject, blob, "card") == f"秘密{subject[6:]}".encode()
        with pytest.raises(RuntimeError, match="k2"):
            await old.unseal(None, "youth-0", sealed["youth-0"], "card")
        async with store.acquire() as conn:
            assert await conn.fetchval("SELECT count(*) FROM person_keys WHERE key_id = 'k2'") == 25
        with pytest.raises(ValueError):
            await rewrap(dsn, new_key, "k2", old_key, "k2")
    finally:
        await store.close()
