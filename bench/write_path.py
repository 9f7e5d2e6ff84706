"""Benchmarks 1 and 2: the write path against pgbench (the physical limit) and the `eventsourcing`
peer, at equal concurrency, in one run: saturation (closed loop), then fixed offered rates (open loop).

Contenders:
- pgbench:        C, prepared statements, the same three statements in one transaction;
- chassis:        EventStore.append in one transaction, in-process (asyncpg pool of `concurrency`);
- eventsourcing:  PostgresApplicationRecorder.insert_events on `concurrency` threads;
- registry HTTP:  POST /youth on the registry process (validation, blind index, per-person key,
                  sealing, load + decide + append), its relay publishing to Kafka meanwhile.
- GraphQL:        the same registration as the gateway's `registerYouth` mutation (a client of the gateway's
                  reader, which forwards it to the registry), the gateway's projector projecting the events.
"""
from __future__ import annotations

import asyncio
import itertools
import uuid
from dataclasses import dataclass

from chassis import db
from chassis.eventstore import EventStore
from services.registry.domain.events import codec

from . import pgbench
from .cpu import CpuSnapshot
from .loadgen import RunStats, closed_loop, open_loop
from .peer import EventsourcingPeer
from .report import Report
from .stack import BenchStack, wait_quiet
from .workloads import TOPIC, register, register_graphql, registered

# process → column: their CPU per command, on the rows of the services' paths
SERVICES = {"registry": "CPU ms/cmd (registry)", "gateway": "CPU ms/cmd (gateway)",
            "gateway projector": "CPU ms/cmd (gateway projector)", "kafka": "CPU ms/cmd (Kafka)"}
COLUMNS = ["contender", "mode", "offered /s", "achieved /s", "p50 ms", "p99 ms", "max ms", "errors",
           "CPU ms/cmd (client side)", "CPU ms/cmd (PostgreSQL)", *SERVICES.values()]
HTTP, GRAPHQL = "registry POST /youth (HTTP)", "gateway registerYouth (GraphQL)"
HTTP_TARGET = 0.25  # issue 21, on this 2-core machine (issue 9 asked 0.5: out of reach in Python, BENCHMARKS.md)
_runs = itertools.count(1)


@dataclass(frozen=True)
class WritePathConfig:
    concurrency: int
    saturation_seconds: float
    rate_seconds: float
    rates: tuple[float, ...]
    pause: float = 1.0  # between steps, so one step's tail (checkpoints, relay) stays out of the next


def _ms(value: float | None) -> float | None:
    return round(value, 3) if value is not None else None


def _row(report: Report, contender: str, s: RunStats, cpu: dict[str, float | None]) -> None:
    report.table("write_path", "1–2. Write path: commands/s and latency at equal concurrency", COLUMNS).add(
        contender=contender, mode="saturation (closed loop)" if s.offered is None else "fixed rate (open loop)",
        **{"offered /s": s.offered, "achieved /s": round(s.throughput, 1), "p50 ms": round(s.p50_ms, 2),
           "p99 ms": round(s.p99_ms, 2), "max ms": round(s.max_ms, 2), "errors": s.errors,
           "CPU ms/cmd (client side)": _ms(cpu["client"]), "CPU ms/cmd (PostgreSQL)": _ms(cpu["postgres"]),
           **{column: _ms(cpu.get(name)) for name, column in SERVICES.items()}})


async def _measured(stack: BenchStack, app: str, run):
    """Run a measurement; -> (its result, CPU ms per command: "client" — the contender's own processes:
    pgbench, the harness, or the services `app` names, "+"-separated —, "postgres", and on the services'
    paths each service's and Kafka's)."""
    before = CpuSnapshot.take(stack)
    result = await run
    n = (result[0] if isinstance(result, tuple) else result).completed
    after = CpuSnapshot.take(stack)
    per = before.per_item(after, n)
    apps = app.split("+")
    client = before.per_command(after, n, app)[0] if app == "pgbench" else sum(per.get(a, 0.0) for a in apps)
    cpu: dict[str, float | None] = {"client": client, "postgres": per["postgres"]}
    if apps[0] in SERVICES:  # each process' share, Kafka's (the relay's publishing) too
        cpu.update({name: per.get(name) for name in SERVICES})
    return result, cpu


def _rates(cfg: WritePathConfig, ceiling: float) -> list[float]:
    """The configured rates up to 1.2× what this contender saturates at (beyond that only the queue grows)."""
    return [r for r in cfg.rates if r <= ceiling * 1.2] or [round(ceiling * 0.5, 1)]


async def run_pgbench(stack: BenchStack, report: Report, cfg: WritePathConfig) -> float:
    s = stack.settings
    await stack.fresh_database("bench_pgbench")
    async def once(rate: float | None, seconds: float):
        return await asyncio.to_thread(pgbench.run, stack.pg_bin, s.pg_host, s.pg_port, s.pg_user, "bench_pgbench",
                                       clients=cfg.concurrency, seconds=seconds, rate=rate)

    sat, cpu = await _measured(stack, "pgbench", once(None, cfg.saturation_seconds))
    _row(report, "pgbench", sat, cpu)
    for rate in _rates(cfg, sat.throughput):
        await wait_quiet(cfg.pause)
        _row(report, "pgbench", *await _measured(stack, "pgbench", once(rate, cfg.rate_seconds)))
    return sat.throughput


async def run_chassis(stack: BenchStack, report: Report, cfg: WritePathConfig) -> float:
    dsn = await stack.fresh_database("bench_chassis")
    pool = await db.create_pool(dsn, max_size=cfg.concurrency)
    store = EventStore("/xinqing/registry", codec, TOPIC)
    events = [[registered(i)] for i in range(64)]  # encoding is part of append; building the event is not

    async def op(i: int) -> None:
        async with pool.acquire() as conn, conn.transaction():
            await store.append(conn, f"youth-{uuid.uuid4()}", 0, events[i % 64])

    try:
        await pool.fetchval("SELECT 1")
        (sat, nxt), cpu = await _measured(stack, "harness", closed_loop(op, cfg.concurrency, cfg.saturation_seconds))
        _row(report, "chassis EventStore.append", sat, cpu)
        for rate in _rates(cfg, sat.throughput):
            await wait_quiet(cfg.pause)
            s, cpu = await _measured(stack, "harness", open_loop(op, rate, cfg.rate_seconds, first=nxt))
            nxt += s.completed + s.errors
            _row(report, "chassis EventStore.append", s, cpu)
    finally:
        await pool.close()
    return sat.throughput


async def run_peer(stack: BenchStack, report: Report, cfg: WritePathConfig) -> float:
    s = stack.settings
    await stack.fresh_database("bench_peer")
    peer = EventsourcingPeer(s.pg_host, s.pg_port, s.pg_user, "bench_peer", cfg.concurrency)
    try:
        (sat, nxt), cpu = await _measured(stack, "harness",
                                          closed_loop(peer.append, cfg.concurrency, cfg.saturation_seconds))
        _row(report, "eventsourcing recorder", sat, cpu)
        for rate in _rates(cfg, sat.throughput):
            await wait_quiet(cfg.pause)
            st, cpu = await _measured(stack, "harness", open_loop(peer.append, rate, cfg.rate_seconds, first=nxt))
            nxt += st.completed + st.errors
            _row(report, "eventsourcing recorder", st, cpu)
    finally:
        peer.close()
    return sat.throughput


async def run_registry_http(stack: BenchStack, report: Report, cfg: WritePathConfig) -> float:
    stack.start_apps(["registry"])
    return await _run_service(stack, report, cfg, HTTP, "registry", register)


async def run_graphql(stack: BenchStack, report: Report, cfg: WritePathConfig) -> float:
    """The gateway as a reader (the mutation: GraphQL, the forward) beside a projector (its read models), as
    Compose and Kubernetes run it, so the mutation's own CPU is measured apart from projecting the events.
    One gateway process again afterwards, for the benchmarks that follow."""
    stack.start_apps(["registry"])
    stack.split_gateway()
    try:
        return await _run_service(stack, report, cfg, GRAPHQL, "gateway+registry+gateway projector",
                                  register_graphql)
    finally:
        stack.join_gateway()


async def _run_service(stack: BenchStack, report: Report, cfg: WritePathConfig, contender: str, apps: str,
                       register_one) -> float:
    """Registrations through a service's HTTP API (`apps`: the processes on the path, the first one
    called), saturation then the fixed rates."""
    run = next(_runs)
    async with stack.client(apps.split("+")[0], connections=cfg.concurrency) as client:
        async def op(i: int) -> None:
            await register_one(client, i, run)

        await op(99_999_999)  # warm: token verification, prepared statements, the relay's first batch
        (sat, nxt), cpu = await _measured(stack, apps, closed_loop(op, cfg.concurrency, cfg.saturation_seconds))
        _row(report, contender, sat, cpu)
        for rate in _rates(cfg, sat.throughput):
            await wait_quiet(cfg.pause)
            # In flight capped at the connection count: a client queue of thousands makes httpx's pool
            # quadratic (the load generator, not the registry, would saturate); queueing still counts.
            st, cpu = await _measured(stack, apps, open_loop(op, rate, cfg.rate_seconds, first=nxt,
                                                             max_in_flight=cfg.concurrency))
            nxt += st.completed + st.errors
            _row(report, contender, st, cpu)
    return sat.throughput


async def run(stack: BenchStack, report: Report, cfg: WritePathConfig) -> dict[str, float]:
    ceilings = {
        "pgbench": await run_pgbench(stack, report, cfg),
        "chassis": await run_chassis(stack, report, cfg),
        "eventsourcing": await run_peer(stack, report, cfg),
        "http": await run_registry_http(stack, report, cfg),
        "graphql": await run_graphql(stack, report, cfg),
    }
    t = report.tables["write_path"]
    t.notes += [
        f"Concurrency {cfg.concurrency} for every contender (connections / threads / HTTP connections); "
        "saturation = closed loop for the stated seconds, fixed rates = open loop, latency counted from the "
        "scheduled start (queueing included).",
        "pgbench: -M prepared, the same INSERT events + INSERT outbox + pg_notify in one transaction.",
        "chassis and eventsourcing run in the harness process, sharing its CPU with the load generator; "
        "the registry runs as its own process, the HTTP client in the harness.",
        "CPU ms/cmd: CPU time spent per command — client side = pgbench's process, the harness process "
        "(in-process contenders, load generator included) or the services on the path (HTTP: the registry, "
        "relay included; GraphQL: the gateway and the registry); PostgreSQL = the postmaster and all its "
        "backends; registry, gateway, Kafka: each process on the services' paths. Less sensitive to the "
        "neighbours' load than throughput.",
        "GraphQL: the gateway runs as a reader (answers GraphQL: the mutation and its forward to the registry) "
        "beside a projector (applies the registrations to its read models), so `gateway` is the mutation's "
        "own CPU and `gateway projector` projecting it; the HTTP rows ran before either started.",
    ]
    pg = ceilings["pgbench"] or float("nan")
    ratios = report.table("ratios", "1–2. Ratios at saturation (equal concurrency)",
                          ["comparison", "ratio", "target", "met"])
    for name, value, target in (
            ("chassis append / pgbench", ceilings["chassis"] / pg, 0.5),
            ("registry HTTP / pgbench", ceilings["http"] / pg, HTTP_TARGET),
            ("gateway GraphQL / pgbench", ceilings["graphql"] / pg, None),
            ("chassis append / eventsourcing", ceilings["chassis"] / (ceilings["eventsourcing"] or float("nan")), 1.5),
            ("registry HTTP / eventsourcing", ceilings["http"] / (ceilings["eventsourcing"] or float("nan")), 1.5)):
        ratios.add(comparison=name, ratio=round(value, 2), target=f"≥ {target}" if target else "–",
                   met="–" if target is None else "yes" if value >= target else "no")
    report.target("write path vs pgbench (chassis)", "≥ 0.5×", f"{ceilings['chassis'] / pg:.2f}×",
                  ceilings["chassis"] / pg >= 0.5)
    report.target("write path vs pgbench (HTTP)", f"≥ {HTTP_TARGET}×", f"{ceilings['http'] / pg:.2f}×",
                  ceilings["http"] / pg >= HTTP_TARGET)
    _cpu_targets(report, t.rows)
    es = ceilings["eventsourcing"] or float("nan")
    report.target("write path vs eventsourcing (chassis)", "≥ 1.5×", f"{ceilings['chassis'] / es:.2f}×",
                  ceilings["chassis"] / es >= 1.5)
    return ceilings


def _cpu_targets(report: Report, rows: list[dict]) -> None:
    """Issue 21's CPU budgets per registration, read from the saturation rows of the services' paths."""
    def saturated(contender: str) -> dict:
        return next(r for r in rows if r["contender"] == contender and r["mode"].startswith("saturation"))

    http, graphql = saturated(HTTP), saturated(GRAPHQL)
    registry, postgres = http["CPU ms/cmd (registry)"], http["CPU ms/cmd (PostgreSQL)"]
    report.target("registry CPU per registration", "≤ 1.5 ms registry (relay included), ≤ 0.6 ms PostgreSQL",
                  f"{registry:.2f} ms registry, {postgres:.2f} ms PostgreSQL", registry <= 1.5 and postgres <= 0.6)
    gateway, projector = graphql["CPU ms/cmd (gateway)"], graphql["CPU ms/cmd (gateway projector)"]
    report.target("gateway CPU per registerYouth", "≤ 1.0 ms", f"{gateway:.2f} ms (the reader; projecting the "
                  f"registration: {projector:.2f} ms in the projector)", gateway <= 1.0)
