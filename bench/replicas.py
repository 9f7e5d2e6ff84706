"""Benchmark 8: one replica of each writing service and of the gateway, then two, on one PostgreSQL and one
Kafka (issue 21, section 4), under the same write mix.

The mix is benchmark 5b's, closed loop (each worker sends its next write when the previous one answered, so
the achieved rate is what the replicas can take at that concurrency): registrations through the gateway's
`registerYouth`, membership changes (apply + approve on the branches service, every fourth a member leaves)
and person-time batches (stations POST /stations/{id}/records with fresh idempotency keys). With one replica
every write goes to replica A; with two, writes alternate between A and B (a load balancer's round robin),
and a membership is applied on one replica and approved on the other. The load (workers per kind) is the
same in both phases; no process is pinned to a core.

Reported per phase and kind: writes/s, p50/p99, errors; per phase: CPU ms per write of each kind of process
(both replicas together), and how many cores were busy. At the end the gateway's kept counters must equal a
recount from its rows (gateway/tables/recount.py), or the benchmark fails. On a 2-core machine two replicas
are not expected to be faster: every process already competes for the same two cores (the table says it).
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
from aiokafka import AIOKafkaConsumer, TopicPartition

from chassis.kafka_login import admin_login
from chassis.settings import Settings
from gateway.projections import projections
from gateway.tables import recount
from xinqing.launcher.ports import free_port

from .cpu import CpuSnapshot
from .loadgen import RunStats, closed_loop
from .report import Report
from .stack import BenchStack, kept_open, wait_quiet
from .workloads import register_graphql, registration_body

NAMESPACE = "bench8r"
APPS = ("registry", "branches", "stations", "gateway")  # each replica's; the gateway forwards to its own services
SERVICES = ("REST", "LEGAL", "HAIRCUT", "HEALTH_CHECK")
KINDS = ("registrations", "membership changes", "person-time batches")
PROCESSES = ("gateway", "registry", "branches", "stations", "postgres", "kafka", "harness")
COLUMNS = ["replicas", "write", "workers", "achieved /s", "p50 ms", "p99 ms", "max ms", "errors"]
CPU_COLUMNS = ["replicas", "writes", "writes/s", *(f"CPU ms/write ({p})" for p in PROCESSES), "CPU ms/write (total)",
               "cores busy", "figures = recount"]


@dataclass(frozen=True)
class ReplicasConfig:
    seconds: float = 20  # per phase
    registrations: int = 8  # workers (writes in flight) per kind
    memberships: int = 4
    batches: int = 4
    batch_size: int = 10  # person-times per batch
    people: int = 200  # registered beforehand for the membership changes (people who left join again)
    settle_timeout: float = 120


Op = Callable[[int], Awaitable[None]]


class Replica:
    """One replica's clients: every app of APPS on the ports of its settings."""

    def __init__(self, settings: Settings, token: str, connections: int):
        limits = kept_open(connections)
        self.clients = {app: httpx.AsyncClient(base_url=settings.service_url(app), timeout=60, limits=limits,
                                               headers={"authorization": f"Bearer {token}",
                                                        "content-type": "application/json"})
                        for app in APPS}

    def __getitem__(self, app: str) -> httpx.AsyncClient:
        return self.clients[app]

    async def aclose(self) -> None:
        for client in self.clients.values():
            await client.aclose()


async def _ok(r: httpx.Response, what: str) -> dict:
    if r.status_code not in (200, 201):
        raise RuntimeError(f"{what}: HTTP {r.status_code}: {r.text[:300]}")
    return r.json()


@dataclass
class Setup:
    branches: list[str]
    stations: list[str]
    free: list[str]  # people who may apply
    joined: list[str]  # members who may leave (the branch they joined is theirs)
    branch_of: dict[str, str]


async def _setup(a: Replica, cfg: ReplicasConfig) -> Setup:
    branches = [(await _ok(await a["branches"].post("/branches", json={
        "name": f"复本压测流动团支部{i}", "kind": "MOBILE", "district": d}), "found branch"))["id"]
        for i, d in enumerate(("110105", "110108"))]
    stations = [(await _ok(await a["stations"].post("/stations", json={
        "kind": "RIDER_REFUEL", "name": f"复本压测驿站{i}", "district": d, "address": "测试路1号",
        "lat": 39.92 + i / 100, "lon": 116.44, "operator": "LEAGUE", "opening_hours": "09:00-21:00",
        "services": list(SERVICES)}), "create station"))["id"] for i, d in enumerate(("110105", "110108"))]
    run = int(time.time()) % 10
    free = []
    for i in range(cfg.people):
        body = registration_body(30_000_000 + i, run) | {"birthDate": "2002-05-17", "subtype": "DELIVERY_RIDER",
                                                         "youthType": "NEW_BUSINESS"}
        free.append((await _ok(await a["registry"].post("/youth", json=body), "register"))["id"])
    return Setup(branches, stations, free, [], {})


def write_ops(cfg: ReplicasConfig, replicas: list[Replica], setup: Setup, first: int) -> tuple[Op, Op, Op]:
    """The three writes; write i goes to replica i mod n (n = 1 or 2)."""
    run = (int(time.time()) + first) % 10
    n = len(replicas)

    async def registration(i: int) -> None:
        await register_graphql(replicas[i % n]["gateway"], first + i, run)

    async def membership(i: int) -> None:
        here, there = replicas[i % n], replicas[(i + 1) % n]  # two replicas: applied on one, approved on the other
        if setup.joined and (i % 4 == 3 or not setup.free):
            youth = setup.joined.pop(0)
            try:
                await _ok(await here["branches"].post(f"/memberships/{youth}/leave", json={"reason": "BY_REQUEST"}),
                          "leave")
            finally:  # a failed leave is counted as an error; the person is not used again
                setup.branch_of.pop(youth, None)
            setup.free.append(youth)
            return
        if not setup.free:
            raise RuntimeError("nobody left to apply (raise ReplicasConfig.people)")
        youth = setup.free.pop(0)
        branch = setup.branches[i % len(setup.branches)]
        await _ok(await here["branches"].post(f"/memberships/{youth}/apply", json={"branchId": branch}), "apply")
        await _ok(await there["branches"].post(f"/memberships/{youth}/approve", json={"branchId": branch}), "approve")
        setup.branch_of[youth] = branch
        setup.joined.append(youth)

    async def batch(i: int) -> None:
        now = datetime.now(UTC)
        records = [{"idempotencyKey": str(uuid.uuid4()), "serviceType": SERVICES[(i + k) % len(SERVICES)],
                    "deliveredAt": (now - timedelta(days=(i + k) % 40)).isoformat()} for k in range(cfg.batch_size)]
        station = setup.stations[i % len(setup.stations)]
        await _ok(await replicas[i % n]["stations"].post(f"/stations/{station}/records", json={"records": records}),
                  "person-times")

    return registration, membership, batch


async def _end_offsets(s: Settings, topics: set[str]) -> dict[tuple[str, int], int]:
    consumer = AIOKafkaConsumer(**admin_login(s).options(), enable_auto_commit=False)
    await consumer.start()
    try:
        cluster = await consumer._client.fetch_all_metadata()  # the consumer's own metadata knows no topics yet
        parts = [TopicPartition(t, p) for t in topics for p in cluster.partitions_for_topic(t) or ()]
        ends = await consumer.end_offsets(parts) if parts else {}
        return {(tp.topic, tp.partition): end for tp, end in ends.items()}
    finally:
        await consumer.stop()


async def caught_up(s: Settings, gateway: asyncpg.Connection, timeout: float) -> None:
    """Every service's outbox published, then every gateway projection at the end of its topics."""
    deadline = time.monotonic() + timeout
    for service in ("registry", "branches", "stations"):
        conn = await asyncpg.connect(s.database_url(s.database(service)))
        try:
            while await conn.fetchval("SELECT count(*) FROM outbox"):
                if time.monotonic() > deadline:
                    raise RuntimeError(f"8: the {service} outbox was not drained in {timeout:.0f} s")
                await asyncio.sleep(0.2)
        finally:
            await conn.close()
    wanted = {p.name: p.topics for p in projections(s)}
    ends = await _end_offsets(s, {t for topics in wanted.values() for t in topics})
    while True:
        at = {(r[0], r[1], r[2]): r[3] for r in await gateway.fetch(
            "SELECT projection, topic, partition, next_offset FROM projection_checkpoints")}
        if all(at.get((name, *tp), 0) >= end for name, topics in wanted.items()
               for tp, end in ends.items() if tp[0] in topics and end > 0):
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"8: the gateway's projections did not catch up in {timeout:.0f} s")
        await asyncio.sleep(0.2)


def _process_cpu(before: CpuSnapshot, after: CpuSnapshot, writes: int) -> dict[str, float]:
    """CPU ms per write of each kind of process, the replicas of an app added together."""
    per = before.per_item(after, writes)
    out = dict.fromkeys(PROCESSES, 0.0)
    for name, ms in per.items():
        kind = name.split(" ")[0]  # "registry B" → registry
        if kind in out:
            out[kind] += ms
    return out


async def _phase(cfg: ReplicasConfig, stack: BenchStack, replicas: list[Replica], setup: Setup,
                 first: int) -> tuple[list[RunStats], dict[str, float], float]:
    """The mix closed loop for cfg.seconds; -> each kind's stats, CPU ms per write by process, cores busy."""
    registration, membership, batch = write_ops(cfg, replicas, setup, first)
    for i in range(len(replicas)):  # warm: token verification, prepared statements on each replica's path
        await registration(-1 - i)
    before, t0 = CpuSnapshot.take(stack), time.perf_counter()
    loads = await asyncio.gather(closed_loop(registration, cfg.registrations, cfg.seconds),
                                 closed_loop(membership, cfg.memberships, cfg.seconds),
                                 closed_loop(batch, cfg.batches, cfg.seconds))
    after, wall = CpuSnapshot.take(stack), time.perf_counter() - t0
    stats = [s for s, _ in loads]
    writes = sum(s.completed for s in stats)
    busy = sum(before.cores_busy(after, wall).values())
    return stats, _process_cpu(before, after, writes), busy


async def run(stack: BenchStack, report: Report, cfg: ReplicasConfig, say=print) -> None:
    a: Settings = stack.settings.model_copy(update={"namespace": NAMESPACE})
    b = a.model_copy(update={f"{app}_port": free_port() for app in APPS})
    for name in APPS:  # earlier benchmarks' processes run in other namespaces, on A's ports
        if name in stack.apps:
            stack.apps.pop(name).stop()
    say(f"8: one replica of {', '.join(APPS)} in namespace {NAMESPACE}")
    stack.start_apps(APPS, a)
    token = stack.token()
    connections = cfg.registrations + 2 * cfg.memberships + cfg.batches
    one, two = Replica(a, token, connections), Replica(b, token, connections)
    table = report.table("replicas", "8. One replica vs two: the write mix, closed loop", COLUMNS)
    cpu = report.table("replicas_cpu", "8. One replica vs two: CPU per write by process", CPU_COLUMNS)
    gateway = await asyncpg.connect(a.database_url(a.database("gateway")))
    results: dict[int, tuple[list[RunStats], dict[str, float], float]] = {}
    try:
        setup = await _setup(one, cfg)
        await caught_up(a, gateway, cfg.settle_timeout)
        say(f"8: {len(setup.free)} people registered for the membership changes; measuring 1 replica")
        results[1] = await _phase(cfg, stack, [one], setup, 10_000_000)
        await caught_up(a, gateway, cfg.settle_timeout)  # the first phase's tail stays out of the second
        say("8: starting replica B (same databases, topics and consumer groups)")
        stack.start_apps(APPS, b, suffix=" B", together=True)  # the topics exist: A created them
        await caught_up(a, gateway, cfg.settle_timeout)  # B's gateway joined the consumer groups
        await wait_quiet(1.0)
        say("8: measuring 2 replicas")
        results[2] = await _phase(cfg, stack, [one, two], setup, 20_000_000)
        await caught_up(a, gateway, cfg.settle_timeout)
        wrong = await recount.differences(gateway)
    finally:
        await gateway.close()
        await one.aclose()
        await two.aclose()
        for name in APPS:  # replica B: later benchmarks know nothing of it
            if f"{name} B" in stack.apps:
                stack.apps.pop(f"{name} B").stop()
    for n, (stats, per_process, busy) in results.items():
        for kind, s, workers in zip(KINDS, stats, (cfg.registrations, cfg.memberships, cfg.batches)):
            table.add(replicas=n, write=kind, workers=workers, **{
                "achieved /s": round(s.throughput, 1), "p50 ms": round(s.p50_ms, 2), "p99 ms": round(s.p99_ms, 2),
                "max ms": round(s.max_ms, 2), "errors": s.errors})
        writes = sum(s.completed for s in stats)
        rate = sum(s.throughput for s in stats)
        cpu.add(replicas=n, writes=writes, **{"writes/s": round(rate, 1), "cores busy": round(busy, 2),
                                              "CPU ms/write (total)": round(sum(per_process.values()), 3),
                                              "figures = recount": not wrong},
                **{f"CPU ms/write ({p})": round(ms, 3) for p, ms in per_process.items()})
    table.notes.append(
        f"Each phase {cfg.seconds:g} s, closed loop: {cfg.registrations} workers registering through the gateway's "
        f"registerYouth, {cfg.memberships} changing memberships (apply + approve = one change; every fourth change a "
        f"member leaves) and {cfg.batches} uploading batches of {cfg.batch_size} person-times, all at once. Two "
        "replicas: write i goes to replica i mod 2; an application is approved on the other replica. A membership "
        "change is two requests (apply, approve) or one (leave); its latency is the whole change.")
    cpu.notes.append(
        "CPU ms/write: each kind of process's CPU time (both replicas together) over every write of the phase, all "
        "kinds together (a batch costs more than a registration); gateway includes its projections (every write "
        f"reaches its read models). Cores busy: all processes' CPU seconds per second of the phase, on a machine "
        f"of {os.cpu_count()} cores: near that count, the machine, not the number of replicas, is the limit, and "
        "a second replica can only add its own overhead. Figures = recount: the gateway's kept counters equal a "
        "recount from its rows after both phases.")
    if wrong:
        raise RuntimeError(f"8: kept figures differ from a recount: {sorted(wrong)}")
    gain = sum(s.throughput for s in results[2][0]) / max(sum(s.throughput for s in results[1][0]), 1e-9)
    report.target("two replicas", "report writes/s of 2 replicas beside 1 (on 2 cores no gain expected)",
                  f"{gain:.2f}× the writes/s of one replica ({results[2][2]:.1f} cores busy)", None)
