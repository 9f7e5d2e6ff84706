"""`python -m bench.profile_registry [seconds]`: the registry as a process under closed-loop POST /youth,
sampled by py-spy (folded stacks in .bench/registry.folded) with CPU ms per command of each process."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from chassis.settings import PROJECT_ROOT

from .spy import profile_closed_loop
from .stack import BenchStack
from .workloads import registration_body


async def profile(stack: BenchStack, seconds: int, out: Path) -> None:
    headers = {"authorization": f"Bearer {stack.token()}"}
    async with httpx.AsyncClient(base_url=stack.settings.service_url("registry"), headers=headers, timeout=60) as c:
        async def op(i: int) -> None:
            r = await c.post("/youth", json=registration_body(i, 8))
            if r.status_code != 201:
                raise RuntimeError(r.text)

        await op(99_999_999)
        await profile_closed_loop(stack, "registry", op, seconds=seconds, out=out, rate_hz=200, unit="command")


def main() -> None:
    out = PROJECT_ROOT / ".bench" / "registry.folded"
    out.parent.mkdir(exist_ok=True)
    stack = BenchStack()
    try:
        stack.start_infra()
        stack.start_apps(["registry"])
        asyncio.run(profile(stack, int(sys.argv[1]) if len(sys.argv) > 1 else 15, out))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
