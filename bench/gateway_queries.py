"""Benchmark 5: the gateway's dashboard and list queries over city-scale read models.

The gateway runs as its own process (uvicorn, one worker) on a fresh gateway database filled in place
with city-scale rows (bench/city_data.py: the real migrations, set-based SQL — the write path would take
an hour). GraphQL over HTTP, open loop at fixed offered rates with an admin token from the harness:

- the dashboard query the page sends (every `selection` of gateway/web/src/sections/*.js, assembled as
  app.js does), city-wide and scoped to one district;
- paginated lists from the read models: stations and 12345 appeals, first page and a deep keyset page.

Database time per request is PostgreSQL's own account: pg_stat_statements (execution + planning time of
every statement, reset before each step) summed over the step / requests. The gateway's own share is
the mean service time (request sent → answer read, queueing in the harness excluded) minus that.
CPU ms per request of the gateway process and of PostgreSQL come from the processes' CPU counters.
"""
from __future__ import annotations

import asyncio
import itertools
import re
import time
from dataclasses import dataclass

import asyncpg
import httpx
import numpy as np

from chassis.settings import PROJECT_ROOT, Settings
from gateway.projections import projections
from gateway.schema.pagination import encode_cursor

from .city_data import CitySize, check_kept_counts, fill, row_counts
from .cpu import CpuSnapshot
from .loadgen import closed_loop, open_loop
from .report import Report
from .stack import BenchStack, wait_quiet

SECTIONS = PROJECT_ROOT / "gateway" / "web" / "src" / "sections"
MIGRATIONS = PROJECT_ROOT / "gateway" / "migrations"
DISTRICT = "110105"  # 朝阳区, the largest
# The same query while the read model changes between every two requests (each figure recomputed):
# before each request the harness moves a checkpoint row of every gateway projection, as a committed batch
# of each would (a figure is recomputed when a projection writing its tables commits: dashboard_cache.py).
CHANGING = "dashboard, city, read model changed before every request"
CHANGE = ("INSERT INTO projection_checkpoints (projection, topic, partition, next_offset) "
          "SELECT p, 'bench', 0, $1 FROM unnest($2::text[]) AS p "
          "ON CONFLICT (projection, topic, partition) DO UPDATE SET next_offset = EXCLUDED.next_offset")
# A namespace of its own: its own gateway database, and topics no earlier benchmark wrote to (the projections
# would otherwise add the earlier benchmarks' registrations to the generated rows).
NAMESPACE = "bench5"
MAX_OVERLOAD = 3  # open-loop rates above this × the closed-loop ceiling are not run
COLUMNS = ["query", "mode", "offered /s", "achieved /s", "p50 ms", "p99 ms", "max ms", "errors",
           "mean service ms", "DB ms/req", "statements/req", "gateway own ms/req", "CPU ms/req (gateway)",
           "CPU ms/req (PostgreSQL)"]


@dataclass(frozen=True)
class GatewayQueriesConfig:
    size: CitySize
    seconds: float  # per measured step
    dashboard_rates: tuple[float, ...]  # the city dashboard at each; the other queries at `rate`
    rate: float = 200
    saturation_seconds: float = 10
    concurrency: int = 8
    idle_seconds: float = 5  # the processes' background CPU (Kafka consumers polling…), subtracted per step


def page_query() -> str:
    """The dashboard query the page sends: app.js joins every section's selection inside `dashboard`."""
    selections = []
    for path in sorted(SECTIONS.glob("*.js")):
        if path.name == "registry.js":
            continue
        # a selection is one string literal or several joined with +
        for literal in re.findall(r'selection:\s*((?:"[^"]*"\s*\+?\s*)+)', path.read_text()):
            selections.append("".join(re.findall(r'"([^"]*)"', literal)))
    if not selections:
        raise RuntimeError(f"no dashboard sections found in {SECTIONS}")
    return ("query Dashboard($district: String, $from: Date, $to: Date) "
            "{ dashboard(district: $district, from: $from, to: $to) { district " + "\n".join(selections) + " } }")


STATIONS = ("query Stations($after: String) { stations(first: 20, after: $after) { nodes { id name kind district "
            "status lat lon services } pageInfo { hasNextPage endCursor } } }")
APPEALS = ("query Appeals($after: String) { appeals(first: 20, after: $after) { nodes { id serviceName tier "
           "district status receivedAt unit overdue satisfaction } pageInfo { hasNextPage endCursor } } }")


async def _deep_cursors(conn: asyncpg.Connection) -> dict[str, str]:
    """Cursors of a page far down each list (keyset: the cost should not depend on the depth)."""
    n = await conn.fetchval("SELECT count(*) FROM st_stations")
    s = await conn.fetchrow("SELECT name, station_id FROM st_stations ORDER BY name, station_id OFFSET $1 LIMIT 1",
                            max(0, int(n * 0.9)))
    m = await conn.fetchval("SELECT count(*) FROM st_appeals")
    a = await conn.fetchrow("SELECT received_at, appeal_id FROM st_appeals ORDER BY received_at DESC, appeal_id DESC "
                            "OFFSET $1 LIMIT 1", max(0, int(m * 0.9)))
    return {"stations": encode_cursor((s["name"], s["station_id"])),
            "appeals": encode_cursor((a["received_at"].isoformat(), a["appeal_id"]))}


async def _enable_statement_stats(stack: BenchStack) -> None:
    """pg_stat_statements must be preloaded: set it for this cluster and restart PostgreSQL (the harness's
    cluster only; nothing else is connected to the gateway's database yet)."""
    conn = await asyncpg.connect(stack.dsn("postgres"))
    try:
        loaded = "pg_stat_statements" in await conn.fetchval("SHOW shared_preload_libraries")
        if not loaded:
            await conn.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
    finally:
        await conn.close()

    def restart() -> None:
        stack.infra.pg_process.stop()
        stack.infra.restart("postgres", stack.sink)

    if not loaded:
        await asyncio.to_thread(restart)
    conn = await asyncpg.connect(stack.dsn("postgres"))
    try:  # known only once the library is loaded; planning counts as database time too
        await conn.execute("ALTER SYSTEM SET pg_stat_statements.track_planning = on")
        await conn.execute("SELECT pg_reload_conf()")
    finally:
        await conn.close()


def gateway_settings(stack: BenchStack) -> Settings:
    return stack.settings.model_copy(update={"namespace": NAMESPACE})


async def _prepare(stack: BenchStack, size: CitySize, say) -> tuple[asyncpg.Connection, dict]:
    if "gateway" in stack.apps:  # an earlier benchmark's gateway holds the port (and its PostgreSQL restarts)
        stack.apps.pop("gateway").stop()
    await _enable_statement_stats(stack)
    dsn = await stack.fresh_database(gateway_settings(stack).database("gateway"), MIGRATIONS)
    conn = await asyncpg.connect(dsn)
    await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
    t0 = time.perf_counter()
    timings = await fill(conn, size)
    await check_kept_counts(conn)
    say(f"gateway read models filled in {time.perf_counter() - t0:.0f} s ({size.describe()})")
    return conn, {"seconds": time.perf_counter() - t0, "parts": timings, "rows": await row_counts(conn)}


async def _idle_cpu(stack: BenchStack, seconds: float) -> tuple[float, float]:
    """CPU seconds per second of the gateway and of PostgreSQL with no request at all: the projections'
    Kafka consumers poll and heartbeat whether anyone asks or not."""
    before, t0 = CpuSnapshot.take(stack), time.perf_counter()
    await asyncio.sleep(seconds)
    after, elapsed = CpuSnapshot.take(stack), time.perf_counter() - t0
    return ((after.services["gateway"] - before.services["gateway"]) / elapsed,
            (after.postgres - before.postgres) / elapsed)


def _net_cpu(before: CpuSnapshot, after: CpuSnapshot, elapsed: float, idle: tuple[float, float],
             requests: int) -> tuple[float, float]:
    """CPU ms per request of the gateway and of PostgreSQL, their idle background subtracted."""
    n = max(requests, 1)
    gateway = after.services["gateway"] - before.services["gateway"] - idle[0] * elapsed
    postgres = after.postgres - before.postgres - idle[1] * elapsed
    return max(gateway, 0.0) / n * 1000, max(postgres, 0.0) / n * 1000


async def _statement_time(conn: asyncpg.Connection) -> tuple[float, int]:
    """(ms of execution + planning, statements) in the gateway's database since the last reset."""
    r = await conn.fetchrow(
        """SELECT coalesce(sum(total_exec_time + total_plan_time), 0) AS ms, coalesce(sum(calls), 0)::bigint AS calls
             FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE 'INSERT INTO projection_checkpoints%'""")
    return float(r["ms"]), int(r["calls"])


async def _top_statements(conn: asyncpg.Connection, requests: int, limit: int = 8) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT regexp_replace(query, '\\s+', ' ', 'g') AS query, calls,
                  total_exec_time + total_plan_time AS ms
             FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
              AND query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE 'INSERT INTO projection_checkpoints%'
            ORDER BY ms DESC LIMIT $1""", limit)


async def run(stack: BenchStack, report: Report, cfg: GatewayQueriesConfig, say=print) -> None:
    conn, data = await _prepare(stack, cfg.size, say)
    stack.start_apps(["gateway"], gateway_settings(stack))
    cursors = await _deep_cursors(conn)
    dashboard = page_query()
    queries = {
        "dashboard, city (the page's query)": (dashboard, {}),
        CHANGING: (dashboard, {}),
        f"dashboard, one district ({DISTRICT})": (dashboard, {"district": DISTRICT}),
        "stations list, first page": (STATIONS, {}),
        "stations list, deep page (keyset)": (STATIONS, {"after": cursors["stations"]}),
        "appeals list, first page": (APPEALS, {}),
        "appeals list, deep page (keyset)": (APPEALS, {"after": cursors["appeals"]}),
    }
    table = report.table("gateway_queries", "5. Gateway queries over city-scale read models", COLUMNS)
    idle = await _idle_cpu(stack, cfg.idle_seconds)
    writer = await asyncpg.create_pool(stack.dsn(gateway_settings(stack).database("gateway")), min_size=1,
                                       max_size=cfg.concurrency)
    changes = itertools.count(1)
    every_projection = [p.name for p in projections(gateway_settings(stack))]
    top: list[asyncpg.Record] = []
    top_requests = 0
    top_step = ""
    target_row = None
    city_ceiling = None
    async with stack.client("gateway", connections=cfg.concurrency,
                            headers={"content-type": "application/json"}) as client:
        for name, (query, variables) in queries.items():
            body = httpx.Request("POST", "/", json={"query": query, "variables": variables}).content
            service: list[float] = []

            async def op(i: int, body=body, service=service, change=name == CHANGING) -> None:
                if change:
                    await writer.execute(CHANGE, next(changes), every_projection)
                t0 = time.perf_counter()
                r = await client.post("/graphql", content=body)
                service.append(time.perf_counter() - t0)
                if r.status_code != 200 or b'"errors"' in r.content:
                    raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")

            answer = await _check(client, body, name)
            if name.startswith("dashboard, city"):  # the figures are the rows' (kept counts checked above)
                total = answer["data"]["dashboard"]["youth"]["total"]
                if total != data["rows"]["active youth"]:
                    raise RuntimeError(f"dashboard youth.total {total} ≠ {data['rows']['active youth']} active rows")
            for i in range(20):  # warm: prepared statements, plan caches, the connection pool
                await op(i)
            rates = cfg.dashboard_rates if name.startswith("dashboard, city (") else (cfg.rate,)
            saturation = None
            for mode, rate in [("closed", None)] + [("open", r) for r in rates]:
                if mode == "open" and rate > MAX_OVERLOAD * saturation:
                    # Far above saturation only the queue grows (and the step would last rate/ceiling × longer).
                    table.add(**{"query": name, "mode": f"not run: above {MAX_OVERLOAD:g}× saturation",
                                 "offered /s": rate})
                    continue
                await wait_quiet(0.5)
                service.clear()
                await conn.execute("SELECT pg_stat_statements_reset()")
                before, started = CpuSnapshot.take(stack), time.perf_counter()
                if mode == "closed":
                    stats, _ = await closed_loop(op, cfg.concurrency, cfg.saturation_seconds)
                else:
                    stats = await open_loop(op, rate, cfg.seconds, max_in_flight=cfg.concurrency)
                if mode == "closed":
                    saturation = stats.throughput
                    if name.startswith("dashboard, city ("):
                        city_ceiling = saturation
                after, elapsed = CpuSnapshot.take(stack), time.perf_counter() - started
                gw_cpu, pg_cpu = _net_cpu(before, after, elapsed, idle, stats.completed)
                db_ms, calls = await _statement_time(conn)
                n = max(stats.completed + stats.errors, 1)
                mean_service = float(np.mean(service)) * 1000 if service else float("nan")
                if name == CHANGING and mode == "closed":
                    top, top_requests, top_step = await _top_statements(conn, n), n, "every figure recomputed"
                if name.startswith("dashboard, city (") and rate == cfg.rate:
                    target_row = (stats, mean_service - db_ms / n, gw_cpu, db_ms / n)
                table.add(**{"query": name, "mode": "saturation (closed loop)" if mode == "closed" else "open loop",
                             "offered /s": rate, "achieved /s": round(stats.throughput, 1),
                             "p50 ms": round(stats.p50_ms, 2), "p99 ms": round(stats.p99_ms, 2),
                             "max ms": round(stats.max_ms, 2), "errors": stats.errors,
                             "mean service ms": round(mean_service, 2), "DB ms/req": round(db_ms / n, 2),
                             "statements/req": round(calls / n, 1),
                             "gateway own ms/req": round(mean_service - db_ms / n, 2),
                             "CPU ms/req (gateway)": round(gw_cpu, 2), "CPU ms/req (PostgreSQL)": round(pg_cpu, 2)})
    rows = data["rows"]
    table.notes += [
        f"Data: generated in place in the gateway's database (its real migrations; set-based SQL, "
        f"{data['seconds']:.0f} s) — not through the write path, which takes about an hour at city scale "
        f"(benchmark 3). Rows: {rows['youth']:,} youth, {rows['br_branches']:,} branches with "
        f"{rows['br_members']:,} members, {rows['st_stations']:,} stations, {rows['st_service_counts']:,} "
        f"person-time counters holding {rows['person-times']:,} person-times, {rows['st_appeals']:,} appeals; "
        "kept counts (youth_counts, youth_daily) computed from the rows and checked against them; the "
        "dashboard's youth total checked against the active rows. Per-day person-times (st_service_daily) stay "
        "empty: they serve only a dashboard with a date range, and these queries have none.",
        f"Open loop for {cfg.seconds:g} s per step, latency from the due time (queueing included), at most "
        f"{cfg.concurrency} requests in flight (HTTP connections); saturation = closed loop of {cfg.concurrency} "
        f"for {cfg.saturation_seconds:g} s, first for every query. Admin token; the district query passes "
        f"district: {DISTRICT}.",
        "DB ms/req: pg_stat_statements execution + planning time of every statement in the gateway's database "
        "during the step / requests (PostgreSQL's own account; excludes the wire). Gateway own ms/req = mean "
        "service time (request sent → answer read by the harness) − DB ms/req: GraphQL parsing and validation, "
        "resolvers, asyncpg, JSON, HTTP — and the loopback, the harness's client, and waiting for a core on a "
        "loaded machine (negative when a request's figures ran their statements concurrently on several "
        "connections). CPU ms/req: the gateway process and PostgreSQL (postmaster + backends), their idle "
        f"background measured for {cfg.idle_seconds:g} s before the steps ({idle[0] * 1000:.0f} and "
        f"{idle[1] * 1000:.0f} ms of CPU per second: Kafka consumers' polling, autovacuum…) subtracted.",
    ]
    if target_row is None:
        report.target("dashboard p99", f"≤ 25 ms at {cfg.rate:g} req/s, gateway's own share ≤ 10 ms",
                      f"not run at {cfg.rate:g}/s: the city dashboard's closed-loop ceiling, {city_ceiling or 0:.1f} "
                      f"req/s, is below {cfg.rate / MAX_OVERLOAD:.0f}", False)
    if top:
        t = report.table("gateway_statements", "5. Where the city dashboard's database time goes "
                                               f"(pg_stat_statements, {top_step})",
                         ["statement", "calls/req", "ms/req", "mean ms"])
        for r in top:
            t.add(statement="`" + r["query"][:110].replace("|", "\\|") + "…`",
                  **{"calls/req": round(r["calls"] / top_requests, 2), "ms/req": round(r["ms"] / top_requests, 3),
                     "mean ms": round(r["ms"] / max(r["calls"], 1), 3)})
    if target_row:
        stats, own, cpu, db = target_row
        report.target("dashboard p99", f"≤ 25 ms at {cfg.rate:g} req/s, gateway's own share ≤ 10 ms",
                      f"p99 {stats.p99_ms:.1f} ms at {stats.throughput:.0f} req/s achieved; own share {own:.1f} ms "
                      f"(service time − DB {db:.2f} ms); gateway CPU {cpu:.1f} ms/req",
                      stats.p99_ms <= 25 and own <= 10 and stats.throughput >= 0.95 * cfg.rate)
    await writer.close()
    await conn.close()


async def _check(client: httpx.AsyncClient, body: bytes, name: str) -> dict:
    """The query must answer without errors: timing error answers would measure nothing."""
    r = await client.post("/graphql", content=body)
    if r.status_code != 200 or b'"errors"' in r.content:
        raise RuntimeError(f"{name}: HTTP {r.status_code}: {r.text[:500]}")
    return r.json()

