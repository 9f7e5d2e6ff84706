"""Two replicas of the registry and of the gateway against one PostgreSQL and one Kafka, the way a cluster runs
them (issue 21): people are registered through both gateways (each forwarding to its own registry) while one
replica — its registry and its gateway — is killed (SIGKILL, no shutdown hook) and started again. At the end
every person is stored once, published once and projected once: the gateway's read model equals a recount from
the registry's events, nothing lost, nothing doubled."""
from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, timedelta

import httpx
import orjson
import pytest

from chassis.clock import Clock
from chassis.settings import Settings
from tests.e2e.support import ROOT, app_processes, env_of
from tests.support import service_db
from xinqing.launcher.ports import answers, free_port
from xinqing.launcher.processes import ManagedProcess, wait_until
from xinqing.launcher.stack import APPS, app_process

pytestmark = pytest.mark.e2e

PEOPLE = 120
REGISTER = "mutation($input: RegisterYouthInput!) { registerYouth(input: $input) { id } }"
DISTRICTS = ("110105", "110108", "110106")


def start(name: str, s: Settings, log) -> ManagedProcess:
    app = next(a for a in APPS if a.name == name)
    proc = app_process(app, s)
    proc.env.update(env_of(s))
    proc.start(lambda who, line: log.write(f"{who}-b | {line}\n"))
    wait_until(lambda: answers(f"http://{s.host}:{getattr(s, app.port_setting)}/health/live"), 90, name, proc)
    return proc


def person(i: int) -> dict:
    registered = Clock().today() - timedelta(days=(i * 7) % 300)  # registration days over the year
    return {"name": "复本测试", "gender": "MALE", "birthDate": "1999-05-05", "mobile": f"1366{i:07d}",
            "district": DISTRICTS[i % 3], "youthType": "NEW_BUSINESS", "subtype": "COURIER",
            "consents": ["REGISTRATION"], "registeredOn": registered.isoformat()}


async def register(client: httpx.AsyncClient, i: int, refused: Counter) -> str:
    """Person i through one gateway, again until it answers: a request lost with a killed replica may have
    been stored (then the registry answers DUPLICATE with the id), or not (then it is stored now)."""
    for _ in range(240):
        try:
            r = await client.post("/graphql", json={"query": REGISTER, "variables": {"input": person(i)}})
        except httpx.TransportError:
            refused["connection"] += 1
            await asyncio.sleep(0.5)
            continue
        body = r.json() if r.status_code == 200 else {}
        if body.get("data") and body["data"].get("registerYouth"):
            return body["data"]["registerYouth"]["id"]
        ext = (body.get("errors") or [{}])[0].get("extensions", {})
        if ext.get("code") == "DUPLICATE":
            return ext["existing_id"]
        refused[ext.get("code") or str(r.status_code)] += 1
        await asyncio.sleep(0.5)  # 5xx / UNAVAILABLE while the replica's registry is down or starting
    raise AssertionError(f"person {i} never registered")


@pytest.fixture(scope="module")
def replicas(settings, infra):
    """Replica A: every app (services, gateway). Replica B: a second registry and a second gateway forwarding
    to it, same databases, topics and consumer groups."""
    with app_processes(settings, "e2e-replicas.log") as (a, _):
        b = a.model_copy(update={"registry_port": free_port(), "gateway_port": free_port()})
        log = open(ROOT / ".test-logs" / "e2e-replicas.log", "a", buffering=1)
        procs = {name: start(name, b, log) for name in ("registry", "gateway")}
        try:
            yield a, b, procs, log
        finally:
            for proc in procs.values():
                proc.stop()
            log.close()


async def test_a_replica_killed_mid_run_loses_and_doubles_nothing(replicas, settings, token):
    a, b, procs, log = replicas
    headers = {"authorization": f"Bearer {token('registry_operator')}"}
    async with service_db(settings, "gateway") as gw:
        daily_before = {(r["registered_on"], r["district"]): r["count"] for r in await gw.fetch(
            "SELECT registered_on, district, count FROM youth_daily WHERE youth_type = 'NEW_BUSINESS'")}
        counts_before = {r["district"]: r["count"] for r in await gw.fetch(
            "SELECT district, count FROM youth_counts WHERE subtype = 'COURIER'")}

    async with httpx.AsyncClient(base_url=f"http://{a.host}:{a.gateway_port}", headers=headers, timeout=30) as ga, \
            httpx.AsyncClient(base_url=f"http://{b.host}:{b.gateway_port}", headers=headers, timeout=30) as gb:
        gate, refused = asyncio.Semaphore(6), Counter()

        async def one(i: int) -> str:
            async with gate:
                return await register(ga if i % 2 else gb, i, refused)

        tasks = [asyncio.create_task(one(i)) for i in range(PEOPLE)]
        while sum(t.done() for t in tasks) < PEOPLE // 3:
            await asyncio.sleep(0.05)
        for proc in procs.values():  # replica B dies mid-run, requests in flight
            proc.kill()
        await asyncio.sleep(2)
        for name in ("registry", "gateway"):
            procs[name] = await asyncio.to_thread(start, name, b, log)
        ids = await asyncio.gather(*tasks)

    assert refused["connection"] > 0, refused  # replica B's gateway was really down while people were sent to it
    assert len(set(ids)) == PEOPLE  # one record per person, whichever replica and attempt stored it
    async with service_db(settings, "registry") as reg:
        stored = await reg.fetch("SELECT stream_id, data FROM events WHERE event_type = "
                                 "'xq.registry.youth.registered.v1' AND stream_id = ANY($1::text[])",
                                 [f"youth-{y}" for y in ids])
    assert len(stored) == PEOPLE  # stored once each
    streams = [f"youth-{y}" for y in ids]
    async with service_db(settings, "gateway") as gw:
        for _ in range(240):  # until both youth projections (each its own consumer group) have every stream
            done = await gw.fetchval("SELECT count(*) FROM projection_streams WHERE stream_id = ANY($1::text[]) "
                                     "AND projection IN ('gateway.youth', 'gateway.youth_daily')", streams)
            if done >= 2 * PEOPLE:
                break
            await asyncio.sleep(0.5)
        rows = await gw.fetch("SELECT youth_id, district, registered_on FROM youth WHERE youth_id = ANY($1::text[])",
                              ids)
        daily = {(r["registered_on"], r["district"]): r["count"] for r in await gw.fetch(
            "SELECT registered_on, district, count FROM youth_daily WHERE youth_type = 'NEW_BUSINESS'")}
        counts = {r["district"]: r["count"] for r in await gw.fetch(
            "SELECT district, count FROM youth_counts WHERE subtype = 'COURIER'")}
        versions = await gw.fetch("SELECT projection, version FROM projection_streams WHERE stream_id = ANY($1::text[])",
                                  streams)

    # The read model equals a recount from the registry's events: every row, every kept counter.
    data = {r["stream_id"].removeprefix("youth-"): r["data"] if isinstance(r["data"], dict) else orjson.loads(r["data"])
            for r in stored}
    recount = {y: (d["district"], d["registered_on"]) for y, d in data.items()}
    assert {r["youth_id"]: (r["district"], r["registered_on"].isoformat()) for r in rows} == recount
    per_day = Counter((date.fromisoformat(day), district) for district, day in recount.values())
    assert {k: daily.get(k, 0) - daily_before.get(k, 0) for k in per_day} == dict(per_day)
    per_district = Counter(district for district, _ in recount.values())
    assert {d: counts.get(d, 0) - counts_before.get(d, 0) for d in per_district} == dict(per_district)
    applied = Counter(v["projection"] for v in versions)  # each youth projection claimed each stream at version 1
    assert {"gateway.youth", "gateway.youth_daily"} <= set(applied) and set(applied.values()) == {PEOPLE}
    assert {v["version"] for v in versions} == {1}
