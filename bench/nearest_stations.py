"""Benchmark 5b: the public station finder — anonymous `nearestStations` from phones all over Beijing.

The city's stations are created through the stations service's HTTP API (admin token, spread around the
district centres of `xinqing.seed_stations` as bench/city_data.py spreads them) and reach the gateway's read
model through Kafka and its projection before anything is measured. Then anonymous GraphQL POSTs (no
Authorization header) at a fixed open-loop rate, each from a random point near a district centre.

The anonymous rate limit stays on (XQ_ANONYMOUS_PER_MINUTE per client address): as in production the
gateway sits behind a proxy, so the bench gateway trusts 127.0.0.1 (XQ_TRUSTED_PROXIES) and every simulated
phone sends its own X-Forwarded-For address, each far below the limit. A last check sends one phone past
the limit and expects 429: the numbers were measured with the limiter doing its work on every call.
"""
from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass

import asyncpg
import httpx

from chassis.reference import SERVICE_TYPES
from chassis.settings import Settings
from xinqing.seed_stations import CENTRES, KINDS

from .cpu import CpuSnapshot, idle_rates, net_of_idle
from .loadgen import closed_loop, open_loop
from .report import Report
from .stack import BenchStack, kept_open, wait_quiet

NAMESPACE = "bench5b"  # its own stations and gateway databases and topics: the read model holds only these
PROXY = "127.0.0.1"
LIMIT = 10
QUERY = ("query Nearest($lat: Float!, $lon: Float!, $limit: Int!, $radiusKm: Float) "
         "{ nearestStations(lat: $lat, lon: $lon, limit: $limit, radiusKm: $radiusKm) "
         "{ id name kind district address lat lon openingHours services distanceKm } }")
COLUMNS = ["query", "mode", "offered /s", "achieved /s", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors",
           "stations/answer", "CPU ms/req (gateway)", "CPU ms/req (PostgreSQL)", "CPU ms/req (harness)"]


@dataclass(frozen=True)
class NearestStationsConfig:
    stations: int = 760
    rate: float = 200  # the target's
    rates: tuple[float, ...] = (50, 100, 200)
    seconds: float = 30  # per rate
    saturation_seconds: float = 10
    saturation_concurrency: int = 8
    radius_km: float = 10
    phones: int = 5_000  # distinct client addresses: each calls rate/phones a second, far below the limit
    connections: int = 32  # the proxy's keep-alive connections to the gateway
    idle_seconds: float = 5
    settle_timeout: float = 120


def bench_settings(stack: BenchStack) -> Settings:
    return stack.settings.model_copy(update={"namespace": NAMESPACE, "trusted_proxies": PROXY})


def _station(i: int, rng: random.Random) -> dict:
    district, (lat, lon) = list(CENTRES.items())[i % len(CENTRES)]
    kind = list(KINDS)[0 if i % 20 < 11 else 1 if i % 20 < 18 else 2]
    return {"kind": kind, "name": f"{district}{KINDS[kind]}{i}", "district": district, "address": f"某街道 {i} 号",
            "lat": round(lat + rng.uniform(-0.04, 0.04), 5), "lon": round(lon + rng.uniform(-0.05, 0.05), 5),
            "operator": ("LEAGUE", "TRADE_UNION", "WOMENS_FEDERATION", "COMPANY")[i % 4],
            "openingHours": "每天 9:00–21:00", "services": sorted(set(rng.sample(list(SERVICE_TYPES), 4)) | {"REST"})}


async def _create_stations(stack: BenchStack, n: int, rng: random.Random) -> None:
    """POST /stations n times, 8 at a time."""
    bodies = [_station(i, rng) for i in range(n)]
    async with stack.client("stations", connections=8) as client:
        async def worker(k: int) -> None:
            for body in bodies[k::8]:
                r = await client.post("/stations", json=body)
                if r.status_code != 201:
                    raise RuntimeError(f"POST /stations: HTTP {r.status_code} {r.text[:300]}")
        await asyncio.gather(*(worker(k) for k in range(8)))


async def _wait_projected(stack: BenchStack, n: int, timeout: float) -> None:
    conn = await asyncpg.connect(stack.dsn(bench_settings(stack).database("gateway")))
    try:
        deadline = time.perf_counter() + timeout
        while (seen := await conn.fetchval("SELECT count(*) FROM st_stations")) < n:
            if time.perf_counter() > deadline:
                raise RuntimeError(f"the gateway's read model holds {seen} of {n} stations after {timeout:g} s")
            await asyncio.sleep(0.2)
    finally:
        await conn.close()


def _phone_point(rng: random.Random) -> tuple[float, float]:
    """Where a phone asks from: near a district centre (where people and stations are), a few km off."""
    lat, lon = rng.choice(list(CENTRES.values()))
    return round(lat + rng.gauss(0, 0.04), 5), round(lon + rng.gauss(0, 0.05), 5)


def phone_address(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


async def _rate_limit_holds(client: httpx.AsyncClient, body: bytes, per_minute: int) -> bool:
    """One phone beyond its allowance is refused: the limiter was on while the numbers were taken."""
    headers = {"x-forwarded-for": "10.255.255.254"}
    # a few past the burst: the bucket refills one call a second while these are sent
    codes = [(await client.post("/graphql", content=body, headers=headers)).status_code for _ in range(per_minute + 5)]
    return all(c == 200 for c in codes[:per_minute]) and 429 in codes[per_minute:]


async def prepare(stack: BenchStack, cfg: NearestStationsConfig, say=print) -> Settings:
    """Stations and gateway started in this benchmark's namespace, the stations created and projected."""
    if "gateway" in stack.apps:  # an earlier benchmark's gateway: not ours (namespace, trusted proxy)
        stack.apps.pop("gateway").stop()
    settings = bench_settings(stack)
    stack.start_apps(["stations", "gateway"], settings)
    t0 = time.perf_counter()
    await _create_stations(stack, cfg.stations, random.Random(16))
    await _wait_projected(stack, cfg.stations, cfg.settle_timeout)
    say(f"{cfg.stations} stations created and projected in {time.perf_counter() - t0:.1f} s")
    return settings


def phone_requests(cfg: NearestStationsConfig, n: int) -> list[bytes]:
    rng = random.Random(45)
    return [httpx.Request("POST", "/", json={"query": QUERY, "variables": {
        "lat": lat, "lon": lon, "limit": LIMIT, "radiusKm": cfg.radius_km}}).content
        for lat, lon in (_phone_point(rng) for _ in range(n))]


def phone_client(settings: Settings, connections: int) -> httpx.AsyncClient:
    """The proxy in front of the gateway: keep-alive connections, no token."""
    return httpx.AsyncClient(base_url=settings.service_url("gateway"), timeout=60, limits=kept_open(connections),
                             headers={"content-type": "application/json"})


async def run(stack: BenchStack, report: Report, cfg: NearestStationsConfig, say=print) -> None:
    settings = await prepare(stack, cfg, say)
    bodies = phone_requests(cfg, max(1, int(max(cfg.rates) * cfg.seconds)))
    found: list[int] = []
    table = report.table("nearest_stations", "5b. Public station finder: anonymous nearestStations", COLUMNS)
    query = f"nearestStations(limit {LIMIT}, radiusKm {cfg.radius_km:g})"
    target = None
    async with phone_client(settings, cfg.connections) as client:
        async def op(i: int) -> None:
            r = await client.post("/graphql", content=bodies[i % len(bodies)],
                                  headers={"x-forwarded-for": phone_address(i % cfg.phones)})
            if r.status_code != 200 or b'"errors"' in r.content:
                raise RuntimeError(f"HTTP {r.status_code}: {r.text[:300]}")
            found.append(len(r.json()["data"]["nearestStations"]))

        for i in range(50):  # warm: connections, prepared statements (other addresses than the measured phones)
            await op(cfg.phones + i)
        idle = await idle_rates(stack, cfg.idle_seconds)
        for rate in (None, *cfg.rates):  # the ceiling first, then the fixed rates
            await wait_quiet(0.5)
            found.clear()
            before, started = CpuSnapshot.take(stack), time.perf_counter()
            if rate is None:  # one phone per request here too: the ceiling must not hit the limit
                stats, _ = await closed_loop(op, cfg.saturation_concurrency, cfg.saturation_seconds)
            else:
                stats = await open_loop(op, rate, cfg.seconds, max_in_flight=cfg.connections)
            after, elapsed = CpuSnapshot.take(stack), time.perf_counter() - started
            cpu = net_of_idle(before.per_item(after, stats.completed), idle, elapsed, stats.completed)
            table.add(**{"query": query, "mode": f"saturation (closed loop of {cfg.saturation_concurrency})"
                         if rate is None else "open loop", "offered /s": rate,
                         "achieved /s": round(stats.throughput, 1), "requests": stats.completed,
                         "p50 ms": round(stats.p50_ms, 2), "p95 ms": round(stats.p95_ms, 2),
                         "p99 ms": round(stats.p99_ms, 2), "max ms": round(stats.max_ms, 2), "errors": stats.errors,
                         "stations/answer": round(sum(found) / max(len(found), 1), 1),
                         "CPU ms/req (gateway)": round(cpu.get("gateway", 0.0), 2),
                         "CPU ms/req (PostgreSQL)": round(cpu["postgres"], 2),
                         "CPU ms/req (harness)": round(cpu["harness"], 2)})
            if rate == cfg.rate:
                target = (stats, cpu.get("gateway", 0.0))
        limited = await _rate_limit_holds(client, bodies[0], settings.anonymous_per_minute)

    table.notes += [
        f"{cfg.stations} stations created through POST /stations (admin token) in the 16 districts, a few km around "
        "each centre, and projected into the gateway's read model (Kafka) before the clock starts.",
        f"Open loop for {cfg.seconds:g} s per rate, latency from each request's due time (queueing included), "
        f"{cfg.connections} keep-alive connections; saturation: {cfg.saturation_concurrency} requests in flight for "
        f"{cfg.saturation_seconds:g} s. Each request: anonymous (no token), a random point near a district centre "
        f"(σ ≈ 4 km), limit {LIMIT}, radiusKm {cfg.radius_km:g}.",
        f"Rate limit on ({settings.anonymous_per_minute}/min per address): the gateway trusts {PROXY} as its proxy "
        f"and each of {cfg.phones:,} simulated phones sends its own X-Forwarded-For "
        f"({cfg.rate / cfg.phones * 60:.1f} calls a minute each at {cfg.rate:g}/s). Afterwards one phone past its "
        "allowance: " + ("answered 429 (the limiter was on)." if limited else "NOT refused — check the limiter."),
        f"CPU ms/req: process CPU, the idle background measured for {cfg.idle_seconds:g} s before (Kafka consumers "
        "polling…) subtracted; the harness is the load generator (httpx) on the same cores.",
    ]
    if target is None:
        report.target("nearestStations p99", f"≤ 20 ms at {cfg.rate:g} req/s anonymous", "not run", None)
    else:
        stats, gateway_cpu = target
        report.target("nearestStations p99", f"≤ 20 ms at {cfg.rate:g} req/s anonymous, {cfg.stations} stations",
                      f"p99 {stats.p99_ms:.1f} ms at {stats.throughput:.0f} req/s achieved, {stats.errors} errors; "
                      f"gateway CPU {gateway_cpu:.1f} ms/req",
                      stats.p99_ms <= 20 and stats.errors == 0 and stats.throughput >= 0.95 * cfg.rate)
    if not limited:
        raise RuntimeError("the anonymous rate limit did not refuse a phone past its allowance")
