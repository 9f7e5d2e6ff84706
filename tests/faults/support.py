"""What the fault scenarios share: a steady command load, Kafka and database read-backs, counts.

The load goes through the registry's HTTP API (the real write path: validation, encryption, event
store, outbox). A command counts as *accepted* only when the service answered 201/200; a command cut
off by a fault (connection reset, 503) is not accepted and may or may not have been stored.
"""
from __future__ import annotations

import asyncio
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import count

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from chassis.db import init_connection
from chassis.kafka_login import admin_login
from chassis.settings import Settings
from tests.registry_support import id_number, person

UPDATE_EVERY = 3  # every third person's subtype is changed right after registering: streams of two events
_people = count()
SENT: list[tuple[str, str]] = []  # (mobile, ID number) of every person the load registered (the PII scan)
CONSENTS = ["REGISTRATION", "SHARE_WITH_AGENCY:HRSS"]  # so the partner publisher has something to publish


def new_person(area: str = "110105") -> dict:
    """A registration body with a mobile and an ID number no one else of the run has (`area`: the ID
    number's first six digits; give each bulk batch its own, so birth date × serial never repeats)."""
    birth = date(1992, 1, 1) + timedelta(days=next(_people) % 4000)  # unique with id_number's serial
    return person(consents=CONSENTS, idNumber=id_number(birth, area=area), birthDate=birth.isoformat())


@dataclass
class Load:
    """Registrations (and some updates) at a steady rate until stopped; records every outcome."""

    s: Settings
    token: str
    rate: float = 6.0  # registrations per second
    accepted: list[str] = field(default_factory=list)  # youth ids answered 201
    updated: set[str] = field(default_factory=set)  # of those, the ones whose update was answered 200
    statuses: Counter = field(default_factory=Counter)
    unavailable_without_retry_after: int = 0
    slowest: float = 0.0
    cut_off: list[dict] = field(default_factory=list)  # registrations answered by a connection error
    _stop: asyncio.Event = field(default_factory=asyncio.Event)
    _task: asyncio.Task | None = None

    def start(self) -> None:
        self._task = asyncio.create_task(self._run())

    @classmethod
    async def warmed_up(cls, s: Settings, token: str, seconds: float) -> Load:
        """A load started `seconds` ago: the fault then strikes a stack already under load."""
        load = cls(s, token)
        load.start()
        await asyncio.sleep(seconds)
        return load

    async def stop(self) -> None:
        self._stop.set()
        await self._task

    async def _run(self) -> None:
        async with httpx.AsyncClient(base_url=f"http://{self.s.host}:{self.s.registry_port}", timeout=30,
                                     headers={"authorization": f"Bearer {self.token}"}) as client:
            n = 0
            while not self._stop.is_set():
                n += 1
                started = time.monotonic()
                await self._one(client, n)
                await asyncio.sleep(max(0.0, 1 / self.rate - (time.monotonic() - started)))

    async def _call(self, client: httpx.AsyncClient, method: str, url: str, body: dict) -> httpx.Response | None:
        started = time.monotonic()
        try:
            response = await client.request(method, url, json=body)
        except httpx.TransportError as exc:  # the service itself was killed: not accepted
            self.statuses[type(exc).__name__] += 1
            return None
        finally:
            self.slowest = max(self.slowest, time.monotonic() - started)
        self.statuses[response.status_code] += 1
        if response.status_code == 503 and "retry-after" not in response.headers:
            self.unavailable_without_retry_after += 1
        return response

    async def _one(self, client: httpx.AsyncClient, n: int) -> None:
        body = new_person()
        r = await self._call(client, "POST", "/youth", body)
        if r is None:
            self.cut_off.append(body)
        if r is None or r.status_code != 201:
            return
        youth_id = r.json()["id"]
        SENT.append((body["mobile"], body["idNumber"]))
        self.accepted.append(youth_id)
        if n % UPDATE_EVERY == 0:
            u = await self._call(client, "PATCH", f"/youth/{youth_id}", {"subtype": "COURIER"})
            if u is not None and u.status_code == 200:
                self.updated.add(youth_id)


async def fetch(s: Settings, service: str, sql: str, *args):
    conn = await asyncpg.connect(s.database_url(s.database(service)), timeout=5)
    await init_connection(conn)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def wait_for(check, timeout: float, what: str, seen: dict | None = None) -> None:
    """Until `check()` holds; `seen`: what the check last found, named in the failure (which side fell behind)."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            if await check():
                return
        except (OSError, asyncpg.PostgresError):
            pass
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not reached within {timeout:.0f} s" + (f"; last seen {seen}" if seen else ""))
        await asyncio.sleep(1)


async def read_topic(s: Settings, topic: str, *, raw: list | None = None) -> list[tuple[str, dict[str, str]]]:
    """Every message of `topic` from the beginning: (key, CloudEvents headers); `raw` collects whole messages."""
    consumer = AIOKafkaConsumer(**admin_login(s).options(), enable_auto_commit=False)
    await consumer.start()
    try:
        known = await consumer.topics()  # refreshes the metadata
        assert topic in known, f"{topic} not among {sorted(known)}"
        parts = [TopicPartition(topic, p) for p in range(s.kafka_partitions)]  # as the services create them
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        out = []
        for tp in parts:
            while await consumer.position(tp) < ends[tp]:
                batch = await consumer.getmany(tp, timeout_ms=2000)
                for record in batch.get(tp, []):
                    if raw is not None:
                        raw.append(b" ".join([record.key or b"", record.value or b"", *(v for _, v in record.headers)]))
                    out.append((record.key.decode(), {k: v.decode() for k, v in record.headers}))
        return out
    finally:
        await consumer.stop()


def first_versions_in_order(messages: list[tuple[str, dict[str, str]]]) -> int:
    """Per stream, the versions in the order first delivered must be 1, 2, 3…; returns redelivered copies."""
    seen: dict[str, list[int]] = {}
    repeats = 0
    for key, headers in messages:
        version = int(headers["ce_streamversion"])
        got = seen.setdefault(key, [])
        if version in got:
            repeats += 1
            continue
        assert version == len(got) + 1, f"{key}: version {version} delivered after {got}"
        got.append(version)
    return repeats


@dataclass
class Report:
    scenario: str
    accepted: int
    delivered: int
    redelivered: int
    duplicates: int
    lost: int
    statuses: Counter

    def print(self) -> None:
        print(f"\n[faults] {self.scenario}: commands accepted {self.accepted}, events delivered {self.delivered} "
              f"(redelivered copies dropped by consumers {self.redelivered}), duplicates: {self.duplicates}, "
              f"lost: {self.lost}; responses {dict(self.statuses)}")


async def exactly_once(s: Settings, load: Load, scenario: str, timeout: float = 150) -> Report:
    """Wait for the backlog to drain, then compare every read model and partner topic with the event stores."""
    stored = set()

    async def drained() -> bool:
        stored.clear()
        stored.update(r["stream_id"].removeprefix("youth-") for r in await fetch(
            s, "registry", "SELECT stream_id FROM events WHERE event_type = 'xq.registry.youth.registered.v1'"))
        backlog = (await fetch(s, "registry", "SELECT count(*) AS n FROM outbox"))[0]["n"]
        shown = (await fetch(s, "gateway", "SELECT count(*) AS n FROM youth"))[0]["n"]
        shared = (await fetch(s, "partners", "SELECT count(*) AS n FROM events "
                                             "WHERE event_type = 'xq.partner.youth.registered.v1'"))[0]["n"]
        partner_backlog = (await fetch(s, "partners", "SELECT count(*) AS n FROM outbox"))[0]["n"]
        seen.update({"registered": len(stored), "registry outbox": backlog, "gateway youth": shown,
                     "partner messages": shared, "partners outbox": partner_backlog})
        return backlog == 0 and partner_backlog == 0 and shown == len(stored) and shared == len(stored)

    seen: dict[str, int] = {}
    await wait_for(drained, timeout, f"{scenario}: backlog drained into the read models", seen)
    accepted = set(load.accepted)
    assert len(accepted) == len(load.accepted)
    assert accepted <= stored, "an accepted command is missing from the event store"

    rows = await fetch(s, "gateway", "SELECT youth_id, subtype FROM youth")
    shown = {r["youth_id"]: r["subtype"] for r in rows}
    lost = len(accepted - shown.keys())
    # Each event applied once: the kept counts equal the rows (a repeat would have counted twice).
    counted = (await fetch(s, "gateway", "SELECT coalesce(sum(count), 0)::int AS n FROM youth_counts"))[0]["n"]
    duplicates = counted - len(shown)
    # Per-stream order: the update (version 2) was applied after the registration (version 1).
    assert all(shown[y] == "COURIER" for y in load.updated), "an update was lost or applied before its registration"

    messages = await read_topic(s, s.topic("xq.registry.youth"))
    redelivered = first_versions_in_order(messages)
    delivered = len({h["ce_id"] for _, h in messages})
    events = (await fetch(s, "registry", "SELECT count(*) AS n FROM events WHERE stream_id LIKE 'youth-%'"))[0]["n"]
    assert delivered == events, "an event of the registry's store never reached Kafka"

    # Partner topic: every partner message once by id; one 'registered' message per person, never two.
    partner = await read_topic(s, s.topic("partner.hrss.youth"))
    partner_events = (await fetch(s, "partners", "SELECT count(*) AS n FROM events"))[0]["n"]
    assert len({h["ce_id"] for _, h in partner}) == partner_events
    firsts = Counter(k for k, h in partner if h["ce_type"] == "xq.partner.youth.registered.v1")
    assert len(firsts) == len(stored)
    redelivered += first_versions_in_order(partner)
    duplicates += (await fetch(s, "partners", "SELECT count(*) AS n FROM events WHERE event_type = "
                                              "'xq.partner.youth.registered.v1'"))[0]["n"] - len(stored)

    report = Report(scenario, len(accepted), delivered + partner_events, redelivered, duplicates, lost, load.statuses)
    report.print()
    assert (report.duplicates, report.lost) == (0, 0)
    return report


def personal_data_in(text: str, mobiles: set[str], id_numbers: set[str]) -> list[str]:
    """The registered people's mobiles and ID numbers found in `text` (inside any run of digits)."""
    found = []
    for run in re.findall(r"\d{11,}[Xx]?", text):
        found += [run[i:i + 11] for i in range(len(run) - 10) if run[i:i + 11] in mobiles]
        found += [run[i:i + 18] for i in range(len(run) - 17) if run[i:i + 18].upper() in id_numbers]
    return found


BULK_AREAS = iter(["110101", "110102", "110106", "110107", "110108", "110109", "110111", "110112"])


async def register_in_bulk(s: Settings, token: str, load: Load, people: int) -> int:
    """`people` registrations through the registry's bulk import (2000 rows a call, each call's ID numbers
    with an area code of their own); every one created counts as accepted in `load`. -> the number created."""
    created = 0
    async with httpx.AsyncClient(base_url=f"http://{s.host}:{s.registry_port}", timeout=120,
                                 headers={"authorization": f"Bearer {token}"}) as client:
        for start in range(0, people, 2000):
            area = next(BULK_AREAS)
            bodies = [new_person(area) for _ in range(min(2000, people - start))]
            r = await client.post("/youth:batch", json={"rows": [{"line": i, "data": b} for i, b in enumerate(bodies)]})
            assert r.status_code == 200, r.text[:500]
            for row in r.json()["results"]:
                assert row["status"] == "CREATED", row
                load.accepted.append(row["id"])
                body = bodies[row["line"]]
                SENT.append((body["mobile"], body["idNumber"]))
                created += 1
    return created


def rss_mb(pid: int) -> float:
    """Resident memory of a process (Linux), in MiB."""
    with open(f"/proc/{pid}/status") as status:
        kb = next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))
    return kb / 1024


async def consumer_lag(s: Settings, group: str) -> float | None:
    """The consumer group's lag as the gateway's /metrics shows it (summed over partitions); None when
    the gateway shows no lag series (Kafka did not answer its sampler)."""
    from prometheus_client.parser import text_string_to_metric_families

    async with httpx.AsyncClient(timeout=10) as client:
        r = await client.get(f"http://{s.host}:{s.gateway_port}/metrics")
    r.raise_for_status()
    series = [sample.value for family in text_string_to_metric_families(r.text) for sample in family.samples
              if sample.name == "xq_consumer_lag" and sample.labels.get("group") == group]
    return sum(series) if series else None


async def offsets_behind_checkpoints(s: Settings, service: str) -> int:
    """Partitions where a consumer group's committed Kafka offset is behind its database checkpoint."""
    from aiokafka.admin import AIOKafkaAdminClient

    rows = await fetch(s, service, "SELECT projection, topic, partition, next_offset FROM projection_checkpoints")
    admin = AIOKafkaAdminClient(**admin_login(s).options())
    await admin.start()
    try:
        behind = 0
        for projection in {r["projection"] for r in rows}:
            committed = await admin.list_consumer_group_offsets(s.group(projection))
            for r in rows:
                if r["projection"] == projection:
                    at = committed.get(TopicPartition(r["topic"], r["partition"]))
                    behind += (at.offset if at is not None else -1) < r["next_offset"]
        return behind
    finally:
        await admin.close()
