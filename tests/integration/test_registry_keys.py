"""Master-key rotation: a new master key wraps new person keys, the retired one still unwraps old ones,
and rewrap moves everyone to the new key so the old one can be dropped."""
from __future__ import annotations

import base64
import os

from services.registry.app import create_app
from tests.registry_support import person
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
