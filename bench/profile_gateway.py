"""`python -m bench.profile_gateway [seconds] [youth] [dashboard|stations|appeals] [rate]`: the gateway as a process
over in-place city data (bench/city_data.py) under closed-loop dashboard queries (or benchmark 5's first page of
the stations or appeals list), sampled by py-spy (folded stacks in
.bench/gateway.folded), with CPU ms per request of each process. With a rate: then, without py-spy, an open
loop at that rate for as many seconds (at most 8 in flight, as benchmark 5), its latency from the due time and
CPU ms per request with the idle background subtracted."""
from __future__ import annotations

import asyncio
import sys
import time
from pathlib import Path

import httpx

from chassis.settings import PROJECT_ROOT

from .city_data import CitySize
from .cpu import CpuSnapshot
from .gateway_queries import APPEALS, STATIONS, _prepare, gateway_settings, page_query
from .loadgen import open_loop
from .spy import profile_closed_loop
from .stack import BenchStack, on_fresh_stack

QUERIES = {"dashboard": page_query, "stations": lambda: STATIONS, "appeals": lambda: APPEALS}


async def open_step(stack: BenchStack, op, rate: float, seconds: int) -> None:
    idle_from, started = CpuSnapshot.take(stack), time.perf_counter()
    await asyncio.sleep(3)
    idle = (CpuSnapshot.take(stack).services["gateway"] - idle_from.services["gateway"]) / (time.perf_counter() - started)
    before, started = CpuSnapshot.take(stack), time.perf_counter()
    stats = await open_loop(op, rate, seconds, max_in_flight=8)
    used = CpuSnapshot.take(stack).services["gateway"] - before.services["gateway"]
    cpu = (used - idle * (time.perf_counter() - started)) / max(stats.completed, 1) * 1000
    print(f"open loop {rate:g}/s: {stats.throughput:.0f}/s p50 {stats.p50_ms:.1f} ms p99 {stats.p99_ms:.1f} ms "
          f"max {stats.max_ms:.1f} ms, {stats.errors} errors; gateway CPU {cpu:.2f} ms per request "
          f"(idle {idle * 1000:.0f} ms/s subtracted)")


async def profile(stack: BenchStack, seconds: int, youth: int, out: Path, query: str, rate: float | None) -> None:
    conn, _ = await _prepare(stack, CitySize(youth=youth), print)
    await conn.close()
    stack.start_apps(["gateway"], gateway_settings(stack))
    body = httpx.Request("POST", "/", json={"query": QUERIES[query](), "variables": {}}).content
    async with stack.client("gateway", headers={"content-type": "application/json"}) as c:
        async def op(i: int) -> None:
            r = await c.post("/graphql", content=body)
            if r.status_code != 200 or b'"errors"' in r.content:
                raise RuntimeError(r.text[:300])

        for i in range(20):
            await op(i)
        await profile_closed_loop(stack, "gateway", op, seconds=seconds, out=out, rate_hz=100, unit="request")
        if rate:
            await open_step(stack, op, rate, seconds)


def main() -> None:
    out = PROJECT_ROOT / ".bench" / "gateway.folded"
    out.parent.mkdir(exist_ok=True)
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    youth = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    query = sys.argv[3] if len(sys.argv) > 3 else "dashboard"
    rate = float(sys.argv[4]) if len(sys.argv) > 4 else None
    on_fresh_stack(lambda stack: profile(stack, seconds, youth, out, query, rate))


if __name__ == "__main__":
    main()
