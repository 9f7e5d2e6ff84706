"""`python -m bench.profile_registry [seconds]`: the registry as a process under closed-loop POST /youth,
sampled by py-spy (folded stacks in .bench/registry.folded) with CPU ms per command of each process."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import httpx

from chassis.settings import PROJECT_ROOT

from .cpu import CpuSnapshot
from .loadgen import closed_loop
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
        spy = await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(stack.apps["registry"].popen.pid),
            "-d", str(max(1, seconds - 2)), "-r", "200", "-f", "raw", "-o", str(out), "--nonblocking")
        before = CpuSnapshot.take(stack)
        stats, _ = await closed_loop(op, 8, seconds)
        registry_ms, pg_ms = before.per_command(CpuSnapshot.take(stack), stats.completed, "registry")
        await spy.wait()
    print(f"{stats.throughput:.0f}/s p50 {stats.p50_ms:.1f} ms p99 {stats.p99_ms:.1f} ms; CPU per command: "
          f"registry {registry_ms:.2f} ms, PostgreSQL {pg_ms:.2f} ms; folded stacks in {out}")


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
