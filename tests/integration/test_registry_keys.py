"""Master-key rotation: a new master key wraps new person keys, the retired one still unwraps old ones,
and rewrap moves everyone to the new key so the old one can be dropped."""
from __future__ import annotations

import base64
import os

from services.registry.app import create_app
from tests.registry_support import mobile, person
from tests.support import bearer, running


async def test_rotation_keeps_every_person_readable(settings, token):
    op, admin = bearer(token("registry_operator")), bearer(token("admin"))
    old_key = (settings.keys_dir / "master.key").read_text().strip()
    new_key = base64.b64encode(os.urandom(32)).decode()
    async with running(create_app(settings)) as registry:
        before = (await registry.post("/youth", json=person(name="轮换前"), headers=op)).json()["id"]

    rotating = settings.model_copy(update={"master_key": new_key, "master_key_id": "k2",
                                           "master_keys_retired": f"k1={old_key}"})
    async with running(create_app(rotating)) as registry:
        assert (await registry.get(f"/youth/{before}", headers=op)).json()["name"] == "轮换前"
        after = (await registry.post("/youth", json=person(name="轮换后"), headers=op)).json()["id"]
        assert (await registry.post("/admin/keys:rewrap", headers=op)).status_code == 403
        rewrapped = (await registry.post("/admin/keys:rewrap", headers=admin)).json()
        assert rewrapped == {"rewrapped": 1, "remaining": 0, "keyId": "k2"}

    rotated = settings.model_copy(update={"master_key": new_key, "master_key_id": "k2"})  # old key gone
    async with running(create_app(rotated)) as registry:
        names = [(await registry.get(f"/youth/{y}", headers=op)).json()["name"] for y in (before, after)]
        assert names == ["轮换前", "轮换后"]


async def test_a_registration_refused_as_a_duplicate_leaves_no_key_event_or_audit_row_behind(settings, token):
    """A registration is one statement of its own, its person key kept before it: when the statement is
    refused (the mobile is someone's), the key kept for it is shredded and nothing else was written."""
    import asyncpg

    from chassis.keystore import store_of

    async def counts() -> tuple[int, int, int]:
        registry = await asyncpg.connect(settings.database_url(settings.database("registry")))
        keys = await asyncpg.connect(settings.database_url(settings.database(store_of("registry"))))
        try:
            return (await keys.fetchval("SELECT count(*) FROM person_keys"),
                    await registry.fetchval("SELECT count(*) FROM events"),
                    await registry.fetchval("SELECT count(*) FROM audit WHERE action = 'REGISTER'"))
        finally:
            await registry.close()
            await keys.close()

    op, taken = bearer(token("registry_operator")), mobile()
    async with running(create_app(settings)) as registry:
        first = await registry.post("/youth", json=person(name="先登记", mobile=taken), headers=op)
        assert first.status_code == 201
        before = await counts()
        again = await registry.post("/youth", json=person(name="重复登记", mobile=taken), headers=op)
        assert again.status_code == 409 and again.json()["existing_id"] == first.json()["id"]
        assert await counts() == before
