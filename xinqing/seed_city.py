"""`xinqing seed --scale city`: Beijing's registered youth at full size, through the registry's API.

2.2 M people across the 16 districts and the three youth types in the proportions of the demo seed
(riders and couriers the largest group, the central and near-suburban districts the most populous),
with Faker zh_CN names, registered over the past year (`registeredOn`, more of them in recent weeks, so the
weekly chart shows history). Person i always gets the same synthetic mobile (the 199 1xxx xxxx block, easy
to recognise), so a re-run is idempotent: the registry's blind index answers 409 for anyone already
registered. Progress is checkpointed after each completed chunk, so an interrupted run resumes where
it stopped. The write path is the registry's bulk endpoint (POST /youth:batch: validation, blind-index
duplicate check, one INSERT per table for the whole batch), a few batches in flight.
"""
from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import httpx
import orjson
from faker import Faker

from chassis.auth import issue_token
from chassis.clock import Clock
from chassis.keys import jwt_private_key
from chassis.reference import SUBTYPES
from chassis.retry import retrying_while
from chassis.settings import Settings

from .seed import DISTRICT_WEIGHTS, SUBTYPE_WEIGHTS, registered_and_born

CITY_YOUTH = 2_200_000
MOBILE_BASE = 10_000_000  # 199 + 8 digits from here: clear of the demo seed's 1990000xxxx


@dataclass
class Progress:
    written: int = 0  # people 0..written-1 are registered (or were already)
    created: int = 0  # registered by this run
    existing: int = 0  # answered 409: registered by an earlier run


class Checkpoint:
    """How many people are done, in a small JSON file; written after each completed chunk."""

    def __init__(self, path: Path):
        self.path = path

    def load(self) -> int:
        try:
            return int(orjson.loads(self.path.read_bytes())["written"])
        except (FileNotFoundError, KeyError, ValueError, orjson.JSONDecodeError):
            return 0

    def save(self, written: int) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_bytes(orjson.dumps({"written": written, "at": time.time()}))
        tmp.replace(self.path)  # atomic: an interruption never leaves a torn checkpoint


class People:
    """Synthetic person i: everything follows from i (a resumed run regenerates the same people). Names are
    Faker zh_CN's, combined from pools drawn once (Faker's frequency weights kept): Faker per person costs
    more CPU than the registry spends storing that person."""

    POOL = 4096

    def __init__(self, today: date):
        self.today = today
        fake = Faker("zh_CN")
        fake.seed_instance(2026)
        self.last_names = [fake.last_name() for _ in range(self.POOL)]
        self.first_names = {"MALE": [fake.first_name_male() for _ in range(self.POOL)],
                            "FEMALE": [fake.first_name_female() for _ in range(self.POOL)]}
        self.subtypes, self.subtype_w = list(SUBTYPE_WEIGHTS), list(SUBTYPE_WEIGHTS.values())
        self.districts, self.district_w = list(DISTRICT_WEIGHTS), list(DISTRICT_WEIGHTS.values())

    def __call__(self, i: int) -> dict:
        rng = random.Random(i)
        subtype = rng.choices(self.subtypes, weights=self.subtype_w)[0]
        youth_type = SUBTYPES[subtype][0]
        gender = rng.choice(["MALE", "MALE", "FEMALE"]) if youth_type == "NEW_BUSINESS" else rng.choice(["MALE", "FEMALE"])
        registered, born = registered_and_born(rng, self.today)
        return {
            "name": rng.choice(self.last_names) + rng.choice(self.first_names[gender]),
            "gender": gender,
            "birthDate": born.isoformat(),
            "mobile": mobile(i),
            "district": rng.choices(self.districts, weights=self.district_w)[0],
            "youthType": youth_type,
            "subtype": subtype,
            "consents": ["REGISTRATION"] + (["SERVICE_RECORDS"] if rng.random() < 0.6 else []),
            "registeredOn": registered.isoformat(),
        }


def mobile(i: int) -> str:
    return f"199{MOBILE_BASE + i:08d}"


async def write_chunk(client: httpx.AsyncClient, people: People, first: int, last: int, concurrency: int,
                      progress: Progress, batch: int = 2000) -> None:
    """People first..last-1 through the registry's bulk endpoint (POST /youth:batch), `batch` rows a request,
    up to `concurrency` requests in flight. Rows already registered come back as DUPLICATE."""
    gate = asyncio.Semaphore(concurrency)

    async def one(start: int, stop: int) -> None:
        body = orjson.dumps({"rows": [{"line": i, "data": people(i)} for i in range(start, stop)],
                             "purpose": "城市规模合成数据"})  # orjson: httpx's json= encodes with the stdlib
        async with gate:
            # 409: a concurrent batch took an identifier first (the registry asks for a retry); 5xx: busy
            r = await retrying_while(
                lambda: client.post("/youth:batch", content=body, headers={"content-type": "application/json"}),
                lambda r: r.status_code in (409, 429, 502, 503, 504), attempts=6, delay=1.0)
            if r.status_code != 200:
                raise RuntimeError(f"seeding people {start}–{stop - 1} failed: HTTP {r.status_code} {r.text[:300]}")
            result = r.json()
            if result["invalid"]:
                bad = next(x for x in result["results"] if x["status"] == "INVALID")
                raise RuntimeError(f"synthetic person {bad['line']} refused: {bad.get('errors')}")
            progress.created += result["created"]
            progress.existing += result["duplicates"]

    await asyncio.gather(*(one(i, min(i + batch, last)) for i in range(first, last, batch)))


async def seed_city(settings: Settings, *, count: int = CITY_YOUTH, concurrency: int = 2, chunk: int = 8_000,
                    batch: int = 2000,  # the registry's most per request: its per-request costs spread widest
                    checkpoint: Path | None = None, on_progress: Callable[[Progress, int], None] = lambda p, n: None,
                    transport: httpx.AsyncBaseTransport | None = None) -> Progress:
    """Register people 0..count-1 (resuming after the checkpoint); -> what this run did. A chunk (the checkpoint's
    step) of `batch` × `concurrency` × 2 keeps every request slot busy until the chunk's end."""
    mark = Checkpoint(checkpoint or settings.data_dir / "seed-city.json")
    progress = Progress(written=mark.load())
    token = issue_token(jwt_private_key(settings), settings, roles=["admin"], subject="seed-city", ttl_seconds=7 * 86400)
    people = People(Clock().today())
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=settings.service_url("registry"), timeout=60, limits=limits,
                                 transport=transport, headers={"authorization": f"Bearer {token}"}) as client:
        on_progress(progress, count)
        while progress.written < count:
            last = min(progress.written + chunk, count)
            await write_chunk(client, people, progress.written, last, concurrency, progress, batch)
            progress.written = last
            mark.save(last)
            on_progress(progress, count)
    return progress


def run_city_seed(settings: Settings, count: int, concurrency: int) -> Progress:
    """The CLI's entry: a rich progress bar over `seed_city`."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeRemainingColumn
    from rich.progress import Progress as Bar

    started = time.monotonic()
    with Bar(TextColumn("registering youth"), BarColumn(), MofNCompleteColumn(),
             TextColumn("{task.fields[rate]}/s"), TimeRemainingColumn()) as bar:
        task = bar.add_task("youth", total=count, rate="–")
        base: list[int] = []

        def show(p: Progress, total: int) -> None:
            if not base:
                base.append(p.written)
            elapsed = time.monotonic() - started
            rate = f"{(p.written - base[0]) / elapsed:,.0f}" if elapsed > 0 else "–"
            bar.update(task, completed=p.written, rate=rate)

        return asyncio.run(seed_city(settings, count=count, concurrency=concurrency, on_progress=show))
