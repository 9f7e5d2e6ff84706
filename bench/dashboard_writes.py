"""Benchmark 5b: the city dashboard while writes flow through the real write path (issue 21).

The gateway's read models hold city-scale rows (bench/city_data.py, as benchmark 5) and the registry,
branches, stations and gateway run as processes in a namespace of their own. For each step (the city,
then one district) the page's dashboard query is asked at a fixed open-loop rate while, at the same time,
registrations (registry POST /youth), membership changes (branches: apply + approve, and every fourth
time a member leaves) and person-time batches (stations POST /stations/{id}/records) go through services →
Kafka → the gateway's projections. Every figure the dashboard reads is kept by the projections, so a
dashboard answered after each change should cost a few counter rows, not a recount.

Both steps run twice: with the gateway as one process (its projections on the event loop that answers the
dashboard), then as a reader and a projector (`run_projections`: the reader answers GraphQL and applies no
events, the projector applies them; docs/ARCHITECTURE.md). Benchmark 5c follows on the second.
The gateway runs as deployed: a whole dashboard answer keeps serving its query for 1 s after the read models
moved on (`dashboard_answer_max_age_seconds`, gateway/schema/dashboard_cache.py).

Reported: the dashboard's latency, and each write's freshness: its 2xx → the gateway projection having
applied its position (projection_streams, polled). At the end every kept counter is compared with a recount
from the rows (gateway/tables/recount.py) and the benchmark fails if any differs.
"""
from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import httpx
import numpy as np

from chassis.projection import parse_position
from chassis.settings import Settings
from gateway.schema.dashboard_cache import GENERATIONS
from gateway.tables import recount

from .city_data import CitySize, check_kept_counts, fill
from .cpu import CpuSnapshot
from .gateway_queries import DISTRICT, MIGRATIONS, page_query
from .loadgen import RunStats, open_loop
from .report import Report
from .stack import BenchStack, wait_quiet
from .workloads import registration_body

NAMESPACE = "bench5w"
APPS = ("registry", "branches", "stations", "gateway")
LAYOUTS = ("one process", "reader + projector")  # the gateway's
COLUMNS = ["gateway", "dashboard", "offered /s", "achieved /s", "p50 ms", "p99 ms", "max ms", "errors",
           "registrations /s", "membership changes /s", "person-time batches /s", "write errors",
           "freshness p50 ms", "freshness p99 ms", "read-model states /s", "writes seen", "writes",
           "figures = recount"]


@dataclass(frozen=True)
class DashboardWritesConfig:
    size: CitySize
    seconds: float = 10  # per step
    dashboard_rate: float = 200
    registrations: float = 100  # per second
    memberships: float = 20
    batches: float = 20
    batch_size: int = 10  # person-times per batch
    concurrency: int = 8  # dashboard requests in flight
    settle_timeout: float = 60


class Freshness:
    """Writes acknowledged (projection, stream, version) → when the gateway's projection applied them."""

    def __init__(self, conn: asyncpg.Connection, poll: float = 0.005):
        self.conn, self.poll = conn, poll
        self.acked: dict[tuple[str, str, int], float] = {}
        self.seen: dict[tuple[str, str, int], float] = {}

    def ack(self, projection: str, position: str) -> None:
        stream, version = parse_position(position)
        self.acked[(projection, stream, version)] = time.perf_counter()

    async def watch(self, stop: asyncio.Event) -> None:
        while True:
            pending = [k for k in self.acked if k not in self.seen]
            if pending:
                rows = await self.conn.fetch(
                    """SELECT p.projection, p.stream_id, p.version FROM projection_streams p
                         JOIN unnest($1::text[], $2::text[]) AS k(projection, stream_id) USING (projection, stream_id)""",
                    [k[0] for k in pending], [k[1] for k in pending])
                now, versions = time.perf_counter(), {(r[0], r[1]): r[2] for r in rows}
                for k in pending:
                    if versions.get(k[:2], 0) >= k[2]:
                        self.seen[k] = now
            elif stop.is_set():
                return
            await asyncio.sleep(self.poll)

    def lags_ms(self) -> np.ndarray:
        return np.asarray([self.seen[k] - t for k, t in self.acked.items() if k in self.seen]) * 1000


class ReadModelStates:
    """How many states the gateway's read models went through: every projection's generation, as the
    dashboard's figures and answers are kept by (gateway/schema/dashboard_cache.py `GENERATIONS`), read every
    `poll` seconds on a connection of its own (states shorter than that are missed)."""

    def __init__(self, conn: asyncpg.Connection, poll: float = 0.01):
        self.conn, self.poll = conn, poll
        self.count = 0
        self._last = None

    async def watch(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            state = sorted(tuple(r) for r in await self.conn.fetch(GENERATIONS))
            if state != self._last:
                self.count, self._last = self.count + 1, state
            await asyncio.sleep(self.poll)


async def _ok(r: httpx.Response, what: str) -> dict:
    if r.status_code not in (200, 201):
        raise RuntimeError(f"{what}: HTTP {r.status_code}: {r.text[:300]}")
    return r.json()


async def _setup(clients: dict[str, httpx.AsyncClient], people: int) -> tuple[list[str], list[str], list[str]]:
    """Branches and stations to write to, and people registered beforehand for the membership changes."""
    branches = [(await _ok(await clients["branches"].post("/branches", json={
        "name": f"压测流动团支部{i}", "kind": "MOBILE", "district": d}), "found branch"))["id"]
        for i, d in enumerate((DISTRICT, "110108"))]
    stations = [(await _ok(await clients["stations"].post("/stations", json={
        "kind": "RIDER_REFUEL", "name": f"压测驿站{i}", "district": DISTRICT, "address": "朝阳区测试路1号",
        "lat": 39.92 + i / 100, "lon": 116.44, "operator": "LEAGUE", "opening_hours": "09:00-21:00",
        "services": ["REST", "LEGAL"]}), "create station"))["id"] for i in range(2)]
    run = int(time.time()) % 10
    gate = asyncio.Semaphore(16)  # 5c's pool is thousands of people: registered 16 at a time

    async def person(i: int) -> str:
        body = registration_body(9_000_000 + i, run) | {"birthDate": "2002-05-17", "subtype": "DELIVERY_RIDER",
                                                        "youthType": "NEW_BUSINESS"}
        async with gate:
            return (await _ok(await clients["registry"].post("/youth", json=body), "register"))["id"]

    pool = list(await asyncio.gather(*(person(i) for i in range(people))))
    return branches, stations, pool


Op = Callable[[int], Awaitable[None]]


def write_ops(cfg: DashboardWritesConfig, clients: dict[str, httpx.AsyncClient], fresh: Freshness,
              setup: tuple[list[str], list[str], list[str]], start: int) -> tuple[Op, Op, Op]:
    """The three writes of the mix, each acknowledged to `fresh` with the gateway projection that shows it:
    a registration, a membership change (apply + approve; every fourth time a member leaves), a batch of
    person-times."""
    branches, stations, pool = setup  # `pool`: people of this phase's own (one membership each at most)
    run = (int(time.time()) + start) % 10
    joined: list[str] = []

    async def registration(i: int) -> None:
        a = await _ok(await clients["registry"].post("/youth", json=registration_body(start + i, run)), "register")
        fresh.ack("gateway.youth", a["position"])

    async def membership(i: int) -> None:
        youth = pool[i % len(pool)]
        branch = branches[i % len(branches)]
        if i % 4 == 3 and joined:
            a = await _ok(await clients["branches"].post(f"/memberships/{joined.pop(0)}/leave",
                                                         json={"reason": "BY_REQUEST"}), "leave")
        else:
            await _ok(await clients["branches"].post(f"/memberships/{youth}/apply", json={"branchId": branch}), "apply")
            a = await _ok(await clients["branches"].post(f"/memberships/{youth}/approve", json={"branchId": branch}),
                          "approve")
            joined.append(youth)
        fresh.ack("gateway.branches", a["position"])

    async def batch(i: int) -> None:
        now = datetime.now(UTC).isoformat()
        records = [{"idempotencyKey": str(uuid.uuid4()), "serviceType": "REST", "deliveredAt": now}
                   for _ in range(cfg.batch_size)]
        a = await _ok(await clients["stations"].post(f"/stations/{stations[i % len(stations)]}/records",
                                                     json={"records": records}), "person-times")
        if a["position"]:
            fresh.ack("gateway.stations", a["position"])

    return registration, membership, batch


def write_loads(cfg: DashboardWritesConfig, ops: tuple[Op, Op, Op], seconds: float,
                drop_late: bool = False) -> list[Awaitable[RunStats]]:
    """The write mix at its configured rates, open loop, for `seconds` (`drop_late`: see open_loop)."""
    registration, membership, batch = ops
    return [open_loop(registration, cfg.registrations, seconds, max_in_flight=64, drop_late=drop_late),
            open_loop(membership, cfg.memberships, seconds, max_in_flight=16, drop_late=drop_late),
            open_loop(batch, cfg.batches, seconds, max_in_flight=16, drop_late=drop_late)]


async def _step(cfg: DashboardWritesConfig, clients: dict[str, httpx.AsyncClient], fresh: Freshness,
                states: ReadModelStates, variables: dict, setup: tuple[list[str], list[str], list[str]],
                start: int) -> dict:
    body = httpx.Request("POST", "/", json={"query": page_query(), "variables": variables}).content

    async def dashboard(i: int) -> None:
        r = await clients["gateway"].post("/graphql", content=body)
        if r.status_code != 200 or b'"errors"' in r.content:
            raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")

    before, states_before = len(fresh.acked), states.count
    loads = await asyncio.gather(
        open_loop(dashboard, cfg.dashboard_rate, cfg.seconds, max_in_flight=cfg.concurrency),
        *write_loads(cfg, write_ops(cfg, clients, fresh, setup, start), cfg.seconds))
    return {"loads": loads, "writes": len(fresh.acked) - before, "states /s": (states.count - states_before) / cfg.seconds}


Then = Callable[[Settings, dict[str, httpx.AsyncClient], tuple[list[str], list[str], list[str]], Freshness],
                Awaitable[None]]


async def run(stack: BenchStack, report: Report, cfg: DashboardWritesConfig, say=print, then: Then | None = None,
              then_seconds: float = 0) -> None:
    """The two steps; then `then` (benchmark 5c, writing for `then_seconds`) on the same stack, clients and
    setup, before the recount."""
    # the gateway as deployed: docker-compose.yml and deploy/k8s/base/config.yaml allow a whole answer 1 s of age
    settings: Settings = stack.settings.model_copy(update={"namespace": NAMESPACE,
                                                           "dashboard_answer_max_age_seconds": 1.0})
    for name in APPS:  # earlier benchmarks' processes run in other namespaces
        if name in stack.apps:
            stack.apps.pop(name).stop()
    dsn = await stack.fresh_database(settings.database("gateway"), MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    states = ReadModelStates(await asyncpg.connect(dsn))
    t0 = time.perf_counter()
    await fill(conn, cfg.size)
    await check_kept_counts(conn)
    # the branches service defines the 22 measures itself (events): the generated ones would collide with them
    await conn.execute("TRUNCATE br_milestones, br_contributions, br_measures")
    say(f"5b: gateway read models filled in {time.perf_counter() - t0:.0f} s; starting {', '.join(APPS)}")
    stack.start_apps(APPS, settings)
    table = report.table("dashboard_writes", "5b. The dashboard while writes flow (services → Kafka → projections)",
                         COLUMNS)
    fresh = Freshness(conn)
    stop = asyncio.Event()
    steps = {(layout, where): variables for layout in LAYOUTS
             for where, variables in (("city", {}), (f"one district ({DISTRICT})", {"district": DISTRICT}))}
    per_step = int(cfg.memberships * cfg.seconds) + 2  # each phase applies with people of its own
    people = per_step * len(steps) + int(cfg.memberships * then_seconds) + 2
    clients = {app: stack.client(app, connections=64, headers={"content-type": "application/json"})
               for app in APPS}
    try:
        setup = await _setup(clients, people)
        say(f"5b: {len(setup[0])} branches, {len(setup[1])} stations, {len(setup[2])} people registered; measuring")
        watchers = [asyncio.create_task(fresh.watch(stop)), asyncio.create_task(states.watch(stop))]
        await wait_quiet(1.0)
        results = {}
        for n, (name, variables) in enumerate(steps.items()):
            if name[0] != LAYOUTS[0] and "gateway projector" not in stack.apps:
                await split_gateway(stack, settings, fresh, cfg.settle_timeout)
            fresh.acked.clear()
            fresh.seen.clear()
            mine = (setup[0], setup[1], setup[2][n * per_step:(n + 1) * per_step])
            cpu, began = CpuSnapshot.take(stack), time.perf_counter()
            results[name] = await _step(cfg, clients, fresh, states, variables, mine, 1_000_000 * (n + 1))
            results[name]["cores"] = cpu.cores_busy(CpuSnapshot.take(stack), time.perf_counter() - began)
            deadline = time.perf_counter() + cfg.settle_timeout
            while len(fresh.seen) < len(fresh.acked) and time.perf_counter() < deadline:
                await asyncio.sleep(0.05)
            lags = fresh.lags_ms()
            results[name]["lags"] = lags
            results[name]["seen"] = int(lags.size)
        stop.set()
        await asyncio.gather(*watchers)
        _cores_table(report, results)  # beside 5b's table, before 5c's
        if then is not None:
            await then(settings, clients, (setup[0], setup[1], setup[2][len(steps) * per_step:]), Freshness(conn))
    finally:
        for client in clients.values():
            await client.aclose()
    wrong = await recount.differences(conn)
    await conn.close()
    await states.conn.close()
    if "gateway projector" in stack.apps:  # the benchmarks after this one start their own gateway
        stack.apps.pop("gateway projector").stop()
    for (layout, name), r in results.items():
        dash, reg, mem, bat = r["loads"]
        lags = r["lags"]
        p50, p99 = (float(x) for x in np.percentile(lags, [50, 99])) if lags.size else (float("nan"),) * 2
        table.add(**{"gateway": layout, "dashboard": name, "offered /s": cfg.dashboard_rate,
                     "achieved /s": round(dash.throughput, 1),
                     "p50 ms": round(dash.p50_ms, 2), "p99 ms": round(dash.p99_ms, 2), "max ms": round(dash.max_ms, 2),
                     "errors": dash.errors, "registrations /s": round(reg.throughput, 1),
                     "membership changes /s": round(mem.throughput, 1),
                     "person-time batches /s": round(bat.throughput, 1),
                     "write errors": reg.errors + mem.errors + bat.errors, "freshness p50 ms": round(p50, 1),
                     "freshness p99 ms": round(p99, 1), "read-model states /s": round(r["states /s"], 1),
                     "writes seen": r["seen"], "writes": r["writes"],
                     "figures = recount": not wrong})
    table.notes.append(
        f"Each step {cfg.seconds:g} s: the page's dashboard query at {cfg.dashboard_rate:g}/s open loop (at most "
        f"{cfg.concurrency} in flight) while {cfg.registrations:g} registrations/s, {cfg.memberships:g} membership "
        f"changes/s (apply + approve; every fourth a member leaves) and {cfg.batches:g} batches/s of "
        f"{cfg.batch_size} person-times go through the services. Freshness: a write's 2xx → its position applied "
        "by the gateway projection (projection_streams polled every 5 ms). Read-model states: how often the "
        "gateway's projection checkpoints moved as a whole, read every 10 ms (figures are kept per state; whole "
        f"answers per state or {settings.dashboard_answer_max_age_seconds:g} s, as deployed). Figures = recount: "
        "every kept counter "
        "(gateway/tables/recount.py) equal to a recount from the rows after every step. Gateway: one process "
        "(projections and GraphQL on one event loop), or a reader (GraphQL, run_projections=false) beside a "
        "projector (the same app applying the events, asked nothing).")
    for (layout, name), r in results.items():
        failed = [f"{kind}: {load.first_error}" for kind, load in zip(("dashboard", "registration", "membership change",
                                                                        "person-time batch"), r["loads"], strict=True)
                  if load.errors]
        if failed:
            table.notes.append(f"first error of each kind of request that had any ({layout}, {name}): "
                               + "; ".join(failed))
    if wrong:
        raise RuntimeError(f"5b: kept figures differ from a recount: {sorted(wrong)}")
    for layout in LAYOUTS:
        city = results[(layout, "city")]
        dash = city["loads"][0]
        p99 = float(np.percentile(city["lags"], 99)) if city["lags"].size else float("nan")
        report.target(f"dashboard p99 with writes ({layout})", f"≤ 50 ms at {cfg.dashboard_rate:g} req/s (city)",
                      f"p99 {dash.p99_ms:.1f} ms at {dash.throughput:.0f} req/s", dash.p99_ms <= 50)
        report.target(f"freshness p99 with dashboard load ({layout})", "≤ 500 ms", f"{p99:.0f} ms", p99 <= 500)


def _cores_table(report: Report, results: dict) -> None:
    processes = sorted({p for r in results.values() for p in r["cores"]})
    t = report.table("dashboard_writes_cores", "5b. Where the cores went during each step (CPU seconds per second)",
                     ["gateway runs as", "dashboard", *processes, "all"])
    for (layout, name), r in results.items():
        t.add(**{"gateway runs as": layout, "dashboard": name}, **{p: round(c, 2) for p, c in r["cores"].items()},
              all=round(sum(r["cores"].values()), 2))
    t.notes.append(f"Every process of the stack during the step (harness: the load generator, in this process); the "
                   f"machine has {os.cpu_count()} logical cores: a sum near that count means the machine, not one "
                   "process, is the limit, and requests queue for a core.")


async def split_gateway(stack: BenchStack, settings: Settings, fresh: Freshness, settle_timeout: float) -> None:
    """The gateway restarted as a projector and a reader (`BenchStack.split_gateway`), once the last step's
    writes are applied."""
    stack.split_gateway(settings)
    deadline = time.perf_counter() + settle_timeout  # the last step's writes are applied before the next
    while len(fresh.seen) < len(fresh.acked) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    await wait_quiet(1.0)
