"""`python -m bench.profile_gateway [seconds] [youth] [dashboard|stations|appeals]`: the gateway as a process
over in-place city data (bench/city_data.py) under closed-loop dashboard queries (or benchmark 5's first page of
the stations or appeals list), sampled by py-spy (folded stacks in
.bench/gateway.folded), with CPU ms per request of each process."""
from __future__ import annotations

import sys
from pathlib import Path

import httpx

from chassis.settings import PROJECT_ROOT

from .city_data import CitySize
from .gateway_queries import APPEALS, STATIONS, _prepare, gateway_settings, page_query
from .spy import profile_closed_loop
from .stack import BenchStack, on_fresh_stack

QUERIES = {"dashboard": page_query, "stations": lambda: STATIONS, "appeals": lambda: APPEALS}


async def profile(stack: BenchStack, seconds: int, youth: int, out: Path, query: str) -> None:
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


def main() -> None:
    out = PROJECT_ROOT / ".bench" / "gateway.folded"
    out.parent.mkdir(exist_ok=True)
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    youth = int(sys.argv[2]) if len(sys.argv) > 2 else 20_000
    query = sys.argv[3] if len(sys.argv) > 3 else "dashboard"
    on_fresh_stack(lambda stack: profile(stack, seconds, youth, out, query))


if __name__ == "__main__":
    main()
