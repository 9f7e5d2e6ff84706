"""`python -m bench.profile_nearest [seconds]`: the gateway as a process over the city's 760 stations
(created through the stations API, as in bench/nearest_stations.py) under closed-loop anonymous
nearestStations, sampled by py-spy (folded stacks in .bench/nearest.folded), with CPU ms per request."""
from __future__ import annotations

import sys

from chassis.settings import PROJECT_ROOT

from .nearest_stations import NearestStationsConfig, phone_address, phone_client, phone_requests, prepare
from .spy import profile_closed_loop
from .stack import BenchStack, on_fresh_stack


async def profile(stack: BenchStack, seconds: int, out) -> None:
    cfg = NearestStationsConfig()
    settings = await prepare(stack, cfg)
    bodies = phone_requests(cfg, 2_000)
    async with phone_client(settings, 8) as client:
        async def op(i: int) -> None:
            r = await client.post("/graphql", content=bodies[i % len(bodies)],
                                  headers={"x-forwarded-for": phone_address(i)})
            if r.status_code != 200 or b'"errors"' in r.content:
                raise RuntimeError(r.text[:300])

        for i in range(50):
            await op(1_000_000 + i)
        await profile_closed_loop(stack, "gateway", op, seconds=seconds, out=out, rate_hz=100, unit="request")


def main() -> None:
    out = PROJECT_ROOT / ".bench" / "nearest.folded"
    out.parent.mkdir(exist_ok=True)
    on_fresh_stack(lambda stack: profile(stack, int(sys.argv[1]) if len(sys.argv) > 1 else 15, out))


if __name__ == "__main__":
    main()
