"""Person keys live apart from the events (issue 15): a copy of the registry's database — a backup taken
while the person was still registered — together with the master key opens nothing of theirs once they
are erased, because the keys were never in that database and the erasure deleted theirs from the key
store. The positive control shows the same copy does open with the key store before the erasure."""
from __future__ import annotations

import os
import subprocess

import asyncpg
import pytest
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from chassis.keys import master_key
from chassis.vault import CARD, FORMAT_PERSON, Vault, event_place
from tests.registry_support import person
from tests.support import bearer, keys_left, service_db
from xinqing.launcher.postgres import find_bin_dir


def copy_database(settings, source: str, target: str) -> None:
    """pg_dump of `source` restored into a new database `target`: a backup as an operator would keep it."""
    bin_dir = find_bin_dir(settings)
    admin = settings.database_url
    subprocess.run([str(bin_dir / "createdb"), "-h", settings.pg_host, "-p", str(settings.pg_port),
                    "-U", settings.pg_user, target], check=True, capture_output=True)
    dump = subprocess.run([str(bin_dir / "pg_dump"), "--no-owner", "--no-privileges", admin(source)],
                          check=True, capture_output=True).stdout
    subprocess.run([str(bin_dir / "psql"), "-q", "-v", "ON_ERROR_STOP=1", admin(target)], input=dump,
                   check=True, capture_output=True)


async def test_a_copy_of_the_registry_and_the_master_key_cannot_read_an_erased_person(registry, settings, token):
    op = bearer(token("registry_operator"))
    youth_id = (await registry.post("/youth", json=person(name="备份里的人"), headers=op)).json()["id"]
    subject = f"youth-{youth_id}"
    copy = settings.database("registry") + "_copy"
    copy_database(settings, settings.database("registry"), copy)

    conn = await asyncpg.connect(settings.database_url(copy))
    try:
        # No key material in the copy at all: no key table, and no byte string that unwraps with the master key.
        assert await conn.fetchval("SELECT to_regclass('person_keys')") is None
        columns = await conn.fetch("SELECT table_name, column_name FROM information_schema.columns "
                                   "WHERE table_schema = 'public' AND data_type = 'bytea'")
        blobs = [v for c in columns for v in await conn.fetchval(
            f'SELECT coalesce(array_agg("{c["column_name"]}"), ARRAY[]::bytea[]) FROM "{c["table_name"]}"') if v]
        assert blobs  # the sealed events and index card are there
        only_master = Vault(master_key(settings), settings.master_key_id, keys=registry.app.state.runtime.deps.vault.keys)
        for blob in blobs:
            with pytest.raises(Exception):  # noqa: B017 - any failure to unwrap is the point
                only_master.unwrap(subject, settings.master_key_id, blob)
        sealed = [(r["sealed"], event_place(r["event_type"], r["event_id"])) for r in await conn.fetch(
            "SELECT sealed, event_type, event_id FROM events WHERE stream_id = $1 AND sealed IS NOT NULL", subject)]

        # Positive control: with the live key store, the copy's sealed profile opens.
        opened = [await only_master.unseal(conn, subject, s, place) for s, place in sealed]
        assert any(o and "备份里的人".encode() in o for o in opened)

        assert (await registry.post(f"/youth/{youth_id}/erase", headers=op)).status_code == 200
        assert await keys_left(settings, [subject]) == 0
        assert [await only_master.unseal(conn, subject, s, place) for s, place in sealed] == [None] * len(sealed)
    finally:
        await conn.close()
        async with service_db(settings, "registry") as admin:
            await admin.execute(f'DROP DATABASE "{copy}"')


async def test_the_services_role_cannot_reach_its_key_store_nor_the_key_stores_role_the_events(registry, settings):
    """Two roles: the registry's own cannot connect to the key store, nor the key store's to the events."""
    from chassis import roles

    for who, where in (("registry", "registry_keys"), ("registry_keys", "registry")):
        with pytest.raises(asyncpg.InsufficientPrivilegeError):
            await asyncpg.connect(settings.database_url(settings.database(where), user=roles.role(settings, who),
                                                        password=roles.password(settings, who)))


async def test_a_sealed_blob_moved_to_another_event_or_the_card_of_the_same_person_fails_to_open(registry, settings,
                                                                                                token):
    """Issue 15: the associated data binds each blob to its event (or the card), on the real event store."""
    op = bearer(token("registry_operator"))
    youth_id = (await registry.post("/youth", json=person(name="原处"), headers=op)).json()["id"]
    assert (await registry.patch(f"/youth/{youth_id}", json={"wechat": "moved_wx"}, headers=op)).status_code == 200
    subject, vault = f"youth-{youth_id}", registry.app.state.runtime.deps.vault
    store = registry.app.state.runtime.deps.store
    async with registry.app.state.runtime.pool.acquire() as conn:  # the registry's own role (owns its events)
        first, second = await conn.fetch("SELECT event_id, event_type, sealed FROM events WHERE stream_id = $1 "
                                         "AND sealed IS NOT NULL ORDER BY version", subject)
        card = await conn.fetchval("SELECT card FROM youth_index WHERE youth_id = $1", youth_id)
        assert (await store.load(conn, subject)).version == 2  # both open where they were sealed
        for blob in (first["sealed"], card):  # the registration's fields, then the card, into the update
            await conn.execute("UPDATE events SET sealed = $2 WHERE event_id = $1", second["event_id"], blob)
            with pytest.raises(InvalidTag):
                await store.load(conn, subject)
            with pytest.raises(InvalidTag):
                await vault.unseal(conn, subject, blob, event_place(second["event_type"], second["event_id"]))
        with pytest.raises(InvalidTag):  # an event's fields as the card
            await vault.unseal(conn, subject, first["sealed"], CARD)

        # Data sealed before the binding (format 1: the person only) still opens, where it lies.
        place = event_place(first["event_type"], first["event_id"])
        plain = await vault.unseal(conn, subject, first["sealed"], place)
        key, nonce = await vault.data_key(subject), os.urandom(12)
        old = FORMAT_PERSON + nonce + AESGCM(key).encrypt(nonce, plain, subject.encode())
        await conn.execute("UPDATE events SET sealed = $2 WHERE event_id = $1", first["event_id"], old)
        await conn.execute("UPDATE events SET sealed = $2 WHERE event_id = $1", second["event_id"], second["sealed"])
        events = (await store.load(conn, subject)).events
        assert events[0].name == "原处" and events[1].wechat == "moved_wx"
