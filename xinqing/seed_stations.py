"""Demo data for stations, written through the stations service's HTTP API: a few stations in every
district, three months of person-times (anonymous, and by registered youth who consented to service
records), a 新青年学堂骑手班 with exam results and scholarships, some events, and 12345 appeals in every
state (handled in time, late, untouched — the last become overdue). Runs after the registry demo data."""
from __future__ import annotations

import asyncio
import random
from collections.abc import Callable
from datetime import datetime, timedelta

import asyncpg
import httpx

from chassis.clock import Clock
from chassis.reference import DISTRICTS, SERVICE_TYPES
from chassis.settings import Settings

from .seed_access import admin_client, read_when_ready

# Rough centres of the districts (lat, lon): stations are scattered a few km around them.
CENTRES = {
    "110101": (39.928, 116.416), "110102": (39.912, 116.366), "110105": (39.921, 116.443),
    "110106": (39.858, 116.287), "110107": (39.906, 116.223), "110108": (39.960, 116.298),
    "110109": (39.940, 116.102), "110111": (39.736, 116.143), "110112": (39.909, 116.657),
    "110113": (40.130, 116.654), "110114": (40.220, 116.231), "110115": (39.727, 116.341),
    "110116": (40.316, 116.632), "110117": (40.141, 117.121), "110118": (40.377, 116.843),
    "110119": (40.457, 115.975),
}
KINDS = {"RIDER_REFUEL": "小哥加油站", "WARM_HEART": "暖心驿站", "DREAM_SPACE": "筑梦空间"}
UNITS = ["区人力社保局", "区市场监管局", "区交通委", "街道办事处"]


async def seed_stations_with(client: httpx.AsyncClient, youth_ids: list[str], rng: random.Random,
                             now: datetime) -> dict[str, int]:
    """Everything through `client` (the stations API, with an admin token); how much was created."""
    async def post(path: str, body: dict) -> dict:
        r = await client.post(path, json=body)
        if r.status_code >= 400 and r.status_code != 409:  # 409: there from an earlier, interrupted run
            raise RuntimeError(f"seeding stations failed: {path} HTTP {r.status_code} {r.text[:200]}")
        return r.json()

    stations: list[str] = []
    for district, (lat, lon) in CENTRES.items():
        for kind in rng.sample(list(KINDS), 2 if district in ("110105", "110108", "110106") else 1):
            services = sorted(set(rng.sample(list(SERVICE_TYPES), 4)) | {"REST"})
            made = await post("/stations", {
                "kind": kind, "name": f"{DISTRICTS[district].removesuffix('区')}{KINDS[kind]}", "district": district,
                "address": f"{DISTRICTS[district]}演示路 {rng.randint(1, 200)} 号",
                "lat": round(lat + rng.uniform(-0.03, 0.03), 5), "lon": round(lon + rng.uniform(-0.03, 0.03), 5),
                "operator": rng.choice(["LEAGUE", "TRADE_UNION", "WOMENS_FEDERATION", "COMPANY"]),
                "openingHours": "每天 9:00–21:00", "services": services})
            if "id" in made:
                stations.append(made["id"])
    records = 0
    for sid in stations:
        batch = [{"idempotencyKey": f"seed-{sid}-{i}", "serviceType": rng.choice(list(SERVICE_TYPES)),
                  "deliveredAt": (now - timedelta(minutes=rng.randint(10, 90 * 24 * 60))).isoformat(),
                  "youthId": rng.choice(youth_ids) if youth_ids and rng.random() < 0.3 else None}
                 for i in range(rng.randint(20, 60))]
        records += (await post(f"/stations/{sid}/records", {"records": batch})).get("accepted", 0)

    programme = await post("/programmes", {"name": "新青年学堂骑手班", "kind": "RIDER_DIPLOMA", "district": "110105",
                                           "startsOn": (now - timedelta(days=200)).date().isoformat()})
    pid = programme.get("id")
    if pid:
        session = await post(f"/programmes/{pid}/sessions", {"title": "专升本考前辅导",
                                                              "startsAt": (now - timedelta(days=150)).isoformat()})
        for youth in youth_ids[:12]:
            await post(f"/programmes/{pid}/enrolments", {"youthId": youth})
            await post(f"/programmes/{pid}/enrolments/{youth}/attendance", {"sessionId": session["id"]})
            passed = rng.random() < 0.7
            await post(f"/programmes/{pid}/enrolments/{youth}/exam",
                       {"result": "PASSED" if passed else "FAILED", "examOn": (now - timedelta(days=40)).date().isoformat()})
            if passed:
                await post(f"/programmes/{pid}/enrolments/{youth}/scholarship",
                           {"amount": "2000.00", "paidOn": (now - timedelta(days=20)).date().isoformat()})
    for title, kind, capacity in (("设计青年沙龙", "SALON", 40), ("青春志双年展", "EXHIBITION", 300),
                                  ("新兴青年发展论坛", "FORUM", 120)):
        event = await post("/events", {"kind": kind, "title": title, "district": "110105", "capacity": capacity,
                                       "startsAt": (now + timedelta(days=rng.randint(3, 30))).isoformat()})
        for youth in youth_ids[:rng.randint(5, 20)] if "id" in event else []:
            await post(f"/events/{event['id']}/registrations", {"youthId": youth})
    appeals = 0
    for n in range(30):
        district = rng.choice(list(CENTRES))
        received = now - timedelta(hours=rng.randint(3, 40 * 24))
        made = await post("/appeals/open311", {
            "service_request_id": f"DEMO-{n:05d}", "service_code": "NEW_YOUTH", "service_name": "新兴青年诉求",
            "requested_datetime": received.isoformat(), "tier": rng.choice(["UTILITIES", "GENERAL", "GENERAL",
                                                                             "COMPLEX"]),
            "district": district, "description": "演示工单"})
        if "id" not in made:
            continue
        appeals += 1
        aid, fate = made["id"], rng.random()
        await post(f"/appeals/{aid}/dispatch", {"unit": DISTRICTS[district] + rng.choice(UNITS),
                                                "at": (received + timedelta(minutes=30)).isoformat()})
        if fate < 0.8:  # contacted: mostly in time
            await post(f"/appeals/{aid}/contact", {"at": (received + timedelta(hours=rng.choice([2, 5, 30]))
                                                          ).isoformat() if received + timedelta(hours=30) < now
                                                   else None})
        if fate < 0.6 and received + timedelta(days=3) < now:
            await post(f"/appeals/{aid}/resolve", {"at": (received + timedelta(days=3)).isoformat()})
            await post(f"/appeals/{aid}/rating", {"satisfaction": rng.choice(
                ["SATISFIED", "SATISFIED", "BASICALLY_SATISFIED", "UNSATISFIED"])})
    return {"stations": len(stations), "records": records, "appeals": appeals}


async def _consenting_youth(settings: Settings) -> list[str]:
    """Registered youth who consented to service records, once the stations service has heard of them."""
    async def read(conn: asyncpg.Connection) -> list[str]:
        rows = await conn.fetch("SELECT youth_id FROM known_youth WHERE active AND service_records ORDER BY youth_id")
        return [r["youth_id"] for r in rows]

    return await read_when_ready(settings, "stations", read, bool)


async def _seed(settings: Settings, say: Callable[[str], None]) -> None:
    youth = await _consenting_youth(settings)
    async with admin_client(settings, "stations") as client:
        done = await seed_stations_with(client, youth, random.Random(2021), Clock().now())
    say(f"demo data: {done['stations']} stations, {done['records']} person-times, {done['appeals']} appeals")


def seed_stations(settings: Settings, say: Callable[[str], None]) -> None:
    asyncio.run(_seed(settings, say))

