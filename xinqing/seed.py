"""Synthetic demo data, written through the real write paths (the services' HTTP APIs).

Names and the like come from Faker's zh_CN provider; proportions roughly follow the seed document
(riders and couriers are the largest group); registrations spread over the past year (`registeredOn`).
Mobiles use the 199 0000 xxxx block, which makes synthetic people easy to recognise.
"""
from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import date, timedelta

import asyncpg
from faker import Faker

from chassis.clock import Clock
from chassis.reference import DISTRICTS, SUBTYPES
from chassis.settings import Settings

from .seed_access import admin_client

# Share of each subtype in the demo population (sums to 1).
SUBTYPE_WEIGHTS = {
    "DELIVERY_RIDER": 0.30, "COURIER": 0.18, "RIDE_HAILING_DRIVER": 0.12, "OTHER_PLATFORM_WORKER": 0.05,
    "STREAMER": 0.07, "ONLINE_WRITER": 0.04, "CONTENT_CREATOR": 0.07, "ESPORTS": 0.03,
    "DESIGNER": 0.06, "MUSICIAN": 0.03, "ARTIST": 0.03, "PHOTOGRAPHER": 0.02,
}
# Busier districts get more people.
DISTRICT_WEIGHTS = {code: (3 if code in ("110105", "110108", "110106", "110112", "110114", "110115") else 1)
                    for code in DISTRICTS}


def registered_and_born(rng: random.Random, today: date) -> tuple[date, date]:
    """A synthetic person's registration day within the past year — more of them recently, as a programme
    that grows (the weekly chart shows history, not one bar) — and a birth date making them 16–35 that day."""
    registered = today - timedelta(days=int(364 * rng.random() ** 1.5))
    return registered, registered - timedelta(days=rng.randint(16 * 366 + 2, 35 * 365))


def person(fake: Faker, rng: random.Random, n: int, today: date) -> dict:
    subtype = rng.choices(list(SUBTYPE_WEIGHTS), weights=list(SUBTYPE_WEIGHTS.values()))[0]
    registered, born = registered_and_born(rng, today)
    return {
        "name": fake.name(),
        "gender": rng.choice(["MALE", "MALE", "FEMALE"]) if SUBTYPES[subtype][0] == "NEW_BUSINESS"
        else rng.choice(["MALE", "FEMALE"]),
        "birthDate": born.isoformat(),
        "mobile": f"1990000{n:04d}",
        "district": rng.choices(list(DISTRICT_WEIGHTS), weights=list(DISTRICT_WEIGHTS.values()))[0],
        "youthType": SUBTYPES[subtype][0],
        "subtype": subtype,
        "consents": ["REGISTRATION"] + (["SERVICE_RECORDS"] if rng.random() < 0.6 else []),
        "registeredOn": registered.isoformat(),
    }


async def _seed(settings: Settings, say: Callable[[str], None], count: int = 300) -> int:
    fake, rng, today = Faker("zh_CN"), random.Random(2021), Clock().today()
    fake.seed_instance(2021)
    created = 0
    async with admin_client(settings, "registry") as client:
        sem = asyncio.Semaphore(8)

        async def one(n: int) -> None:
            nonlocal created
            async with sem:
                r = await client.post("/youth", json=person(fake, rng, n, today))
            if r.status_code == 201:
                created += 1
            elif r.status_code != 409:  # 409: already there from an earlier, interrupted run
                raise RuntimeError(f"seeding failed: HTTP {r.status_code} {r.text[:200]}")

        await asyncio.gather(*(one(n) for n in range(count)))
    say(f"demo data: {created} youth registered")
    return created


def seed_demo(settings: Settings, say: Callable[[str], None]) -> int:
    created = asyncio.run(_seed(settings, say))
    from .seed_branches import seed_branches  # league organisation, joining the people just registered

    seed_branches(settings, say, created)
    from .seed_stations import seed_stations  # stations, person-times, programmes, events, appeals

    seed_stations(settings, say)
    return created


def seed_demo_if_empty(settings: Settings, say: Callable[[str], None]) -> None:
    async def empty() -> bool:
        conn = await asyncpg.connect(settings.database_url(settings.database("registry")))
        try:
            return await conn.fetchval("SELECT count(*) FROM events") == 0
        finally:
            await conn.close()

    if asyncio.run(empty()):
        say("empty stack: loading demo data")
        seed_demo(settings, say)
