"""The stations demo data goes through the real API without a single refusal, and shows on the dashboard."""
from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime

import httpx

from tests.integration.stations_support import ok
from tests.support import bearer, eventually
from xinqing.seed_stations import CENTRES, seed_stations_with


async def test_demo_stations_are_accepted_and_counted(gateway, stations, token):
    youth = [str(uuid.uuid4()) for _ in range(15)]
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=stations.app), base_url="http://stations",
                                 headers=bearer(token("admin")), timeout=60) as client:
        done = await seed_stations_with(client, youth, random.Random(7), datetime.now(UTC))
    assert done["stations"] == len(CENTRES) + 3 and done["appeals"] == 30 and done["records"] >= 20 * done["stations"]

    async def shown() -> bool:
        d = (await ok(gateway, "{ dashboard { stations { total personTimes } appeals { total } } }",
                      token=token("department_viewer")))["dashboard"]
        return (d["stations"]["total"], d["stations"]["personTimes"], d["appeals"]["total"]) == (
            done["stations"], done["records"], 30)
    await eventually(shown, timeout=60)
