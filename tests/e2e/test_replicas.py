"""Two replicas of each writing service (registry, branches, stations) and of the gateway against one
PostgreSQL and one Kafka, the way a cluster runs them (issue 21, section 4).

Through both replicas at once: people are registered (the gateways' registerYouth, each gateway forwarding to
its own registry), people apply to a branch on one replica and are approved on the other (every fourth then
leaves), and batches of person-times are uploaded with idempotency keys (every fourth batch is uploaded again
through the other replica, as a phone would after a lost answer). Meanwhile every process of replica B — its
registry, branches, stations and gateway — is killed (SIGKILL, no shutdown hook) and started again; a client
retries what failed until it is acknowledged, on the same replica.

Then: every acknowledged write is in its service's events exactly once; the gateway's read models show each
once and equal a recount from their rows; and, last, they equal a single-replica rebuild: both gateways
stopped, `xinqing rebuild --reset gateway`, one gateway replaying every topic, table by table, row by row."""
from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import asyncpg
import httpx
import orjson
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from chassis.clock import Clock
from chassis.kafka_login import admin_login
from chassis.settings import Settings
from contracts.branches import MembershipEvents
from contracts.registry import YouthEvents
from contracts.stations import ServiceEvents
from gateway.projections import projections
from gateway.tables import recount
from services.stations.domain.service_record import record_id
from tests.e2e.support import ROOT, app_processes, env_of
from tests.support import service_db
from xinqing.launcher.ports import answers, free_port
from xinqing.launcher.processes import ManagedProcess, wait_until
from xinqing.launcher.stack import APPS, app_process

pytestmark = pytest.mark.e2e

PEOPLE = 90  # registrations through the two gateways
MEMBERS = 24  # people who apply on one replica and are approved on the other; every fourth then leaves
BATCHES = 24  # person-time batches, alternately through each replica's stations service
RECORDS = 6  # person-times per batch
RESEND_EVERY = 4  # every fourth acknowledged batch is uploaded again through the other replica
REGISTER = "mutation($input: RegisterYouthInput!) { registerYouth(input: $input) { id } }"
DISTRICTS = ("110105", "110108", "110106")
SERVICES = ("REST", "LEGAL", "HAIRCUT", "HEALTH_CHECK")  # HEALTH_CHECK: counted, never named (stations' rule)
B_APPS = ("registry", "branches", "stations", "gateway")  # replica B; the gateway forwards to the other three
RETRY_PAUSE = 0.5
ATTEMPTS = 240  # × RETRY_PAUSE at least: longer than replica B takes to start again on a busy machine
SETTLE_SECONDS = 120


def start(name: str, s: Settings, log, into: dict[str, ManagedProcess], key: str | None = None) -> ManagedProcess:
    """Start app `name` on `s`'s port, listed in `into` before it starts (so a teardown stops it whatever
    happens), and wait until it answers."""
    app = next(a for a in APPS if a.name == name)
    proc = app_process(app, s)
    proc.env.update(env_of(s))
    into[key or name] = proc
    proc.start(lambda who, line: log.write(f"{key or who}-b | {line}\n"))
    wait_until(lambda: answers(f"http://{s.host}:{getattr(s, app.port_setting)}/health/live"), 90, name, proc)
    return proc


@dataclass
class Replicas:
    a: Settings
    b: Settings
    a_procs: list[ManagedProcess]  # every app of replica A (tests/e2e/support.py: app_processes)
    b_procs: dict[str, ManagedProcess]  # replica B's, by name; also the gateway the rebuild test starts
    log: object


@pytest.fixture(scope="module")
def replicas(settings, infra):
    """Replica A: every app. Replica B: a second registry, branches, stations and gateway (forwarding to B's
    services) on ports of their own; same databases, topics and consumer groups."""
    with app_processes(settings, "e2e-replicas.log") as (a, a_procs):
        b = a.model_copy(update={f"{name}_port": free_port() for name in B_APPS})
        log = open(ROOT / ".test-logs" / "e2e-replicas.log", "a", buffering=1)
        procs: dict[str, ManagedProcess] = {}
        try:
            # all at once: A created every topic, so no consumer of B subscribes to one that does not exist yet
            with ThreadPoolExecutor(len(B_APPS)) as pool:
                for started in [pool.submit(start, name, b, log, procs) for name in B_APPS]:
                    started.result()
            yield Replicas(a, b, a_procs, procs, log)
        finally:
            for proc in reversed(list(procs.values())):
                proc.stop()
            log.close()


# ---- the writes, each retried until it is acknowledged ------------------------------------------------

def person(i: int) -> dict:
    registered = Clock().today() - timedelta(days=(i * 7) % 300)  # registration days over the year
    return {"name": "复本测试", "gender": "MALE", "birthDate": "1999-05-05", "mobile": f"1366{i:07d}",
            "district": DISTRICTS[i % 3], "youthType": "NEW_BUSINESS", "subtype": "COURIER",
            "consents": ["REGISTRATION"], "registeredOn": registered.isoformat()}


def member(i: int) -> dict:
    """Someone who will join a branch: a rider of league age who agreed to be named on service records."""
    return {"name": "复本团员", "gender": "FEMALE", "birthDate": "2002-05-17", "mobile": f"1377{i:07d}",
            "district": DISTRICTS[i % 3], "youthType": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER",
            "consents": ["REGISTRATION", "SERVICE_RECORDS"]}


def failure(exc: httpx.TransportError) -> str:
    """"refused": nothing listened (the replica was down); "cut off": a request, or a kept-alive connection,
    was cut by the kill — the write may or may not have been stored."""
    return "refused" if isinstance(exc, httpx.ConnectError) else "cut off"


async def register(client: httpx.AsyncClient, i: int, refused: Counter) -> str:
    """Person i through one gateway, again until it answers: a request lost with a killed replica may have
    been stored (then the registry answers DUPLICATE with the id), or not (then it is stored now)."""
    for _ in range(ATTEMPTS):
        try:
            r = await client.post("/graphql", json={"query": REGISTER, "variables": {"input": person(i)}})
        except httpx.TransportError as exc:
            refused["registration", failure(exc)] += 1
            await asyncio.sleep(RETRY_PAUSE)
            continue
        body = r.json() if r.status_code == 200 else {}
        if body.get("data") and body["data"].get("registerYouth"):
            return body["data"]["registerYouth"]["id"]
        ext = (body.get("errors") or [{}])[0].get("extensions", {})
        if ext.get("code") == "DUPLICATE":
            return ext["existing_id"]
        refused["registration", ext.get("code") or str(r.status_code)] += 1
        await asyncio.sleep(RETRY_PAUSE)  # 5xx / UNAVAILABLE while the replica's registry is down or starting
    raise AssertionError(f"person {i} never registered")


async def post(client: httpx.AsyncClient, path: str, body: dict, kind: str, refused: Counter,
               done: str | None = None) -> dict | None:
    """POST to a service until the write is acknowledged (-> its answer). None: an earlier attempt whose answer
    was lost (a killed replica) had stored it, and the service refuses the repeat by its rule `done` (applying
    twice, approving an approved application, leaving twice); that rule on a first attempt is a failure."""
    maybe_stored = False
    for _ in range(ATTEMPTS):
        try:
            r = await client.post(path, json=body)
        except httpx.TransportError as exc:  # refused, or cut off mid-request: it may have been stored
            refused[kind, failure(exc)] += 1
            maybe_stored = True
            await asyncio.sleep(RETRY_PAUSE)
            continue
        if r.status_code in (200, 201):
            return r.json()
        answer = r.json() if r.headers.get("content-type", "").startswith("application/json") else {}
        if r.status_code == 409 and done is not None and answer.get("rule") == done and maybe_stored:
            refused[kind, f"already {done}"] += 1
            return None
        if r.status_code >= 500 or answer.get("code") == "CONFLICT":  # starting, database busy, a version race
            refused[kind, str(r.status_code)] += 1
            maybe_stored = True
            await asyncio.sleep(RETRY_PAUSE)
            continue
        raise AssertionError(f"POST {path}: HTTP {r.status_code}: {r.text[:300]}")
    raise AssertionError(f"POST {path} never acknowledged")


async def ok(r: httpx.Response) -> dict:
    assert r.status_code in (200, 201), r.text[:300]
    return r.json()


# ---- the run: the module's one workload, shared by the tests below -------------------------------------

@dataclass
class Run:
    youth: list[str]  # registered through the gateways
    pool: list[str]  # registered beforehand; each applies and is approved
    members: dict[str, str]  # youth id → branch: who is a member at the end
    leavers: set[str]
    keys: dict[str, str]  # idempotency key → station, every person-time uploaded
    resent: list[dict] = field(default_factory=list)  # the answers to the batches uploaded again
    refused: Counter = field(default_factory=Counter)  # (kind, what) of each failed attempt


def time_to_kill(done: Counter, totals: dict[str, int]) -> bool:
    """When to kill replica B: every kind of write has been acknowledged at least once and one kind is a
    third done, so each kind still has most of its writes to send, half of them to B."""
    shares = [done[k] / n for k, n in totals.items()]
    return min(shares) > 0 and max(shares) >= 1 / 3


@pytest.fixture(scope="module")
async def run(replicas, token) -> Run:
    r = replicas
    a, b = r.a, r.b
    headers = {"authorization": f"Bearer {token()}"}  # an admin: a secretary and station staff everywhere
    clients = {(name, side): httpx.AsyncClient(base_url=s.service_url(name), headers=headers, timeout=30)
               for name in B_APPS for side, s in enumerate((a, b))}
    try:
        # Beforehand, through replica A: two branches and two stations in two districts, and the people who
        # will join (an application waits until the branches service has heard of the person from the
        # registry's topic, and answers 503 until then; post() retries it).
        branches = [(await ok(await clients["branches", 0].post("/branches", json={
            "name": f"复本测试流动团支部{i}", "kind": "MOBILE", "district": d})))["id"] for i, d in enumerate(DISTRICTS[:2])]
        stations = [(await ok(await clients["stations", 0].post("/stations", json={
            "kind": "RIDER_REFUEL", "name": f"复本测试驿站{i}", "district": d, "address": "测试路1号",
            "lat": 39.92 + i / 100, "lon": 116.44, "operator": "LEAGUE", "opening_hours": "09:00-21:00",
            "services": list(SERVICES)})))["id"] for i, d in enumerate(DISTRICTS[:2])]
        pool = [(await ok(await clients["registry", 0].post("/youth", json=member(i))))["id"] for i in range(MEMBERS)]

        refused: Counter = Counter()
        done: Counter = Counter()
        members: dict[str, str] = {}
        leavers: set[str] = set()
        keys: dict[str, str] = {}
        resent: list[dict] = []
        now = datetime.now(UTC)
        gates = {"registration": asyncio.Semaphore(4), "membership": asyncio.Semaphore(3),
                 "batch": asyncio.Semaphore(2)}

        async def registration(i: int) -> str:
            async with gates["registration"]:
                youth = await register(clients["gateway", i % 2], i, refused)
            done["registration"] += 1
            return youth

        async def membership(i: int) -> None:
            """Apply on one replica, approved on the other (a load balancer's choice); every fourth leaves."""
            youth, branch, side = pool[i], branches[i % 2], i % 2
            async with gates["membership"]:
                ref = {"branchId": branch}
                await post(clients["branches", side], f"/memberships/{youth}/apply", ref, "membership", refused,
                           done="application_pending")
                await post(clients["branches", 1 - side], f"/memberships/{youth}/approve", ref, "membership",
                           refused, done="no_pending_application")
                if i % 4 == 3:
                    await post(clients["branches", side], f"/memberships/{youth}/leave", {"reason": "BY_REQUEST"},
                               "membership", refused, done="not_member")
                    leavers.add(youth)
                else:
                    members[youth] = branch
            done["membership"] += 1

        async def batch(j: int) -> None:
            station, side = stations[j % 2], j % 2
            records = [{"idempotencyKey": str(uuid.uuid4()), "serviceType": SERVICES[(j + k) % len(SERVICES)],
                        # over the last 45 days: several day streams and two months per station
                        "deliveredAt": (now - timedelta(days=(j * 7 + k) % 45, minutes=k)).isoformat(),
                        "youthId": pool[(j + k) % MEMBERS] if k % 2 else None} for k in range(RECORDS)]
            keys.update((rec["idempotencyKey"], station) for rec in records)
            path = f"/stations/{station}/records"
            async with gates["batch"]:
                answer = await post(clients["stations", side], path, {"records": records}, "batch", refused)
                assert answer is not None
                # all of it counted now, or part of it by an attempt whose answer was lost: never more
                assert answer["accepted"] + len(answer["duplicates"]) == RECORDS, answer
                if j % RESEND_EVERY == 0:
                    resent.append(await post(clients["stations", 1 - side], path, {"records": records}, "batch",
                                             refused))
            done["batch"] += 1

        totals = {"registration": PEOPLE, "membership": MEMBERS, "batch": BATCHES}
        tasks = ([asyncio.create_task(registration(i)) for i in range(PEOPLE)]
                 + [asyncio.create_task(membership(i)) for i in range(MEMBERS)]
                 + [asyncio.create_task(batch(j)) for j in range(BATCHES)])
        deadline = time.monotonic() + 120
        while not time_to_kill(done, totals):
            failed = [t for t in tasks if t.done() and t.exception()]
            if failed or time.monotonic() > deadline:
                await asyncio.gather(*tasks)  # raises the failure
                raise AssertionError(f"the writes never got far enough to kill replica B mid-run: {done}")
            await asyncio.sleep(0.05)
        for proc in r.b_procs.values():  # replica B dies mid-run, requests in flight
            await asyncio.to_thread(proc.kill)
        # down for a while: writes sent to B meanwhile are refused (and retried), not just delayed
        await asyncio.sleep(2)
        await asyncio.gather(*(asyncio.to_thread(start, name, b, r.log, r.b_procs) for name in B_APPS))  # as at first
        youth = (await asyncio.gather(*tasks))[:PEOPLE]
    finally:
        for client in clients.values():
            await client.aclose()
    await settled(a)
    return Run(youth, pool, members, leavers, keys, resent, refused)


# ---- waiting for the read models: outboxes drained, every projection at the end of its topics ----------

async def end_offsets(s: Settings, topics: set[str]) -> dict[tuple[str, int], int]:
    """Each partition's end offset, of the `topics` that exist."""
    consumer = AIOKafkaConsumer(**admin_login(s).options(), enable_auto_commit=False)
    await consumer.start()
    try:
        # the metadata as fetched (consumer.partitions_for_topic knows only topics it was subscribed to)
        cluster = await consumer._client.fetch_all_metadata()
        parts = [TopicPartition(t, p) for t in topics for p in cluster.partitions_for_topic(t) or ()]
        ends = await consumer.end_offsets(parts) if parts else {}
        return {(tp.topic, tp.partition): end for tp, end in ends.items()}
    finally:
        await consumer.stop()


async def settled(s: Settings, timeout: float = SETTLE_SECONDS) -> None:
    """Every service's outbox empty (all published), then every gateway projection's checkpoints at the end
    offsets of its topics as they were then (all applied). Fails after `timeout`."""
    deadline = time.monotonic() + timeout
    for service in ("registry", "branches", "stations"):
        async with service_db(s, service) as conn:
            while await conn.fetchval("SELECT count(*) FROM outbox"):
                assert time.monotonic() < deadline, f"{service}: outbox not drained in {timeout:.0f} s"
                await asyncio.sleep(0.2)
    wanted = {p.name: p.topics for p in projections(s)}
    ends = await end_offsets(s, {t for topics in wanted.values() for t in topics})
    written = {s.topic(t) for t in ("xq.registry.youth", "xq.branches.membership", "xq.stations.service")}
    assert all(sum(end for (t, _), end in ends.items() if t == topic) > 0 for topic in written), ends  # never vacuous
    async with service_db(s, "gateway") as conn:
        while True:
            rows = await conn.fetch("SELECT projection, topic, partition, next_offset FROM projection_checkpoints")
            at = {(r["projection"], r["topic"], r["partition"]): r["next_offset"] for r in rows}
            behind = [(name, tp) for name, topics in wanted.items() for tp, end in ends.items()
                      if tp[0] in topics and end > 0 and at.get((name, *tp), 0) < end]
            if not behind:
                return
            assert time.monotonic() < deadline, f"projections behind after {timeout:.0f} s: {behind[:5]}"
            await asyncio.sleep(0.2)


# ---- the tests ---------------------------------------------------------------------------------------

def _data(value) -> dict:
    return value if isinstance(value, dict) else orjson.loads(value)


async def test_every_acknowledged_write_is_stored_exactly_once(run: Run, settings):
    print(f"\n[replicas] failed attempts, retried: {dict(run.refused)}")
    # replica B was really down while each kind of write was being sent to it
    assert all(run.refused[kind, "refused"] > 0 for kind in ("registration", "membership", "batch")), run.refused
    assert len(set(run.youth)) == PEOPLE  # one record per person, whichever replica and attempt stored it
    async with service_db(settings, "registry") as reg:
        stored = await reg.fetch("SELECT stream_id FROM events WHERE event_type = $1 AND stream_id = ANY($2::text[])",
                                 YouthEvents.REGISTERED, [f"youth-{y}" for y in run.youth])
    assert len(stored) == PEOPLE  # stored once each

    async with service_db(settings, "branches") as br:
        rows = await br.fetch("SELECT stream_id, event_type FROM events WHERE stream_id = ANY($1::text[]) "
                              "ORDER BY stream_id, version", [f"membership-{y}" for y in run.pool])
    history: dict[str, list[str]] = {}
    for row in rows:
        history.setdefault(row["stream_id"].removeprefix("membership-"), []).append(row["event_type"])
    joined = [MembershipEvents.APPLIED, MembershipEvents.APPROVED]
    assert history == {y: joined + ([MembershipEvents.ENDED] if y in run.leavers else []) for y in run.pool}

    async with service_db(settings, "stations") as st:
        ids = Counter(r["record_id"] for r in await st.fetch(
            "SELECT data->>'record_id' AS record_id FROM events WHERE event_type = $1", ServiceEvents.DELIVERED))
    assert ids == {record_id(station, key): 1 for key, station in run.keys.items()}  # each person-time once
    # uploaded again through the other replica: recognised by its keys, nothing counted twice
    assert len(run.resent) == BATCHES // RESEND_EVERY
    assert all(a["accepted"] == 0 and len(a["duplicates"]) == RECORDS and a["position"] is None for a in run.resent)


async def test_the_read_models_show_every_write_once_and_equal_a_recount(run: Run, settings):
    async with service_db(settings, "registry") as reg:
        events = await reg.fetch("SELECT stream_id, data FROM events WHERE event_type = $1", YouthEvents.REGISTERED)
    people = {e["stream_id"].removeprefix("youth-"): _data(e["data"]) for e in events}
    assert set(run.youth) | set(run.pool) == set(people)  # this module's namespace holds nothing else
    async with service_db(settings, "gateway") as gw:
        youth = {r["youth_id"]: (r["district"], r["registered_on"].isoformat())
                 for r in await gw.fetch("SELECT youth_id, district, registered_on FROM youth")}
        daily = {(r["registered_on"], r["district"], r["youth_type"]): r["count"] for r in await gw.fetch(
            "SELECT registered_on, district, youth_type, count FROM youth_daily WHERE count <> 0")}
        counts = {(r["district"], r["subtype"]): r["count"] for r in await gw.fetch(
            "SELECT district, subtype, count FROM youth_counts WHERE count <> 0")}
        members = {r["youth_id"]: r["branch_id"] for r in await gw.fetch("SELECT youth_id, branch_id FROM br_members")}
        pending = await gw.fetchval("SELECT count(*) FROM br_applications")
        per_station = {r["station_id"]: (r["count"], r["registered"]) for r in await gw.fetch(
            "SELECT station_id, sum(count)::int AS count, sum(registered)::int AS registered FROM st_service_counts "
            "GROUP BY station_id")}
        per_day = {r["station_id"]: r["count"] for r in await gw.fetch(
            "SELECT station_id, sum(count)::int AS count FROM st_service_daily GROUP BY station_id")}
        letters = await gw.fetchval("SELECT count(*) FROM dead_letters")
        wrong = await recount.differences(gw)
    async with service_db(settings, "stations") as st:
        named = {r["station"]: r["n"] for r in await st.fetch(
            "SELECT data->>'station_id' AS station, count(*) FILTER (WHERE (data->>'registered')::boolean) AS n "
            "FROM events WHERE event_type = $1 GROUP BY 1", ServiceEvents.DELIVERED)}

    # every registration once, as the registry's events say
    assert youth == {y: (d["district"], d["registered_on"]) for y, d in people.items()}
    assert daily == Counter((date.fromisoformat(d["registered_on"]), d["district"], d["youth_type"])
                            for d in people.values())
    assert counts == Counter((d["district"], d["subtype"]) for d in people.values())
    # every membership change once: the members who stayed, no application left pending
    assert members == run.members and pending == 0
    # every person-time once, by station (and by day), with those named by a consenting person
    uploaded = Counter(run.keys.values())
    assert per_station == {s: (n, named.get(s, 0)) for s, n in uploaded.items()}
    assert per_day == dict(uploaded)
    assert sum(named.values()) > 0  # named person-times were among them (the `registered` figures moved)
    assert letters == 0
    assert wrong == {}  # every kept counter (coverage, members per day, person-times per district…) = a recount


# The tables compared with the rebuild: each projection's tables, as its rows, except the kept counters:
# those as gateway/tables/recount.py reads them (cv_in_branch summed over the projection that moved it, which
# depends on which event arrived first) and without rows at 0 (a counter touched and moved back keeps its row,
# one built from nothing may never have it).
COUNTERS = {"youth_daily": ("count",), "st_service_counts": ("count", "registered"),
            "st_service_daily": ("count", "registered")}


async def snapshot(conn: asyncpg.Connection, s: Settings) -> dict[str, list[tuple]]:
    kept = {k.table: k for k in recount.KEPT}
    out: dict[str, list[tuple]] = {}
    for table in sorted({t for p in projections(s) for t in p.tables}):
        if table in kept:
            k = kept[table]
            rows = [tuple(r) for r in await conn.fetch(k.kept_sql()) if any(r[len(k.keys):])]
        else:
            records = await conn.fetch(f"SELECT * FROM {table}")
            zero = COUNTERS.get(table, ())
            rows = [tuple(r) for r in records if not zero or any(r[c] for c in zero)]
        out[table] = sorted(rows, key=repr)
    out["projection_streams"] = sorted(tuple(r) for r in await conn.fetch(
        "SELECT projection, stream_id, version FROM projection_streams"))
    return out


async def test_the_read_models_equal_a_single_replica_rebuild(replicas, run: Run, settings):
    """Last in the module: it stops both gateways. Whatever two replicas did concurrently, through a kill,
    must be what one gateway builds from the topics alone."""
    r = replicas
    async with service_db(settings, "gateway") as gw:
        replicated = await snapshot(gw, settings)
    assert len(replicated["youth"]) == PEOPLE + MEMBERS and replicated["br_members"]
    gateway_a = next(p for p in r.a_procs if p.name == "gateway")
    await asyncio.gather(asyncio.to_thread(r.b_procs["gateway"].stop), asyncio.to_thread(gateway_a.stop))
    done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "xinqing.cli", "rebuild", "--reset", "gateway"],
                                   capture_output=True, text=True, env={**os.environ, **env_of(r.a)}, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    async with service_db(settings, "gateway") as gw:
        assert await gw.fetchval("SELECT count(*) FROM youth") == 0  # really emptied: what follows is rebuilt
    await asyncio.to_thread(start, "gateway", r.a, r.log, r.b_procs, "gateway-rebuilt")
    await settled(r.a)
    async with service_db(settings, "gateway") as gw:
        rebuilt = await snapshot(gw, settings)
    differ = {t: (len(replicated[t]), len(rebuilt[t])) for t in replicated if replicated[t] != rebuilt[t]}
    assert not differ, {t: ([x for x in replicated[t] if x not in rebuilt[t]][:3],
                            [x for x in rebuilt[t] if x not in replicated[t]][:3]) for t in differ}
