"""py-spy on one app process under a closed loop, with CPU ms per operation of that app and of
PostgreSQL: what `bench.profile_registry` and `bench.profile_gateway` share."""
from __future__ import annotations

import asyncio
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path

from .cpu import CpuSnapshot
from .loadgen import closed_loop
from .stack import BenchStack


async def profile_closed_loop(stack: BenchStack, app: str, op: Callable[[int], Awaitable[None]], *, seconds: int,
                              out: Path, rate_hz: int, unit: str) -> None:
    """Sample `app` with py-spy (raw folded stacks in `out`) while 8 workers run `op` for `seconds`, then
    print throughput, latency and CPU per `unit` of the app and of PostgreSQL."""
    spy = await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(stack.apps[app].popen.pid),
        "-d", str(max(1, seconds - 2)), "-r", str(rate_hz), "-f", "raw", "-o", str(out), "--nonblocking")
    before = CpuSnapshot.take(stack)
    stats, _ = await closed_loop(op, 8, seconds)
    app_ms, pg_ms = before.per_command(CpuSnapshot.take(stack), stats.completed, app)
    await spy.wait()
    print(f"{stats.throughput:.0f}/s p50 {stats.p50_ms:.1f} ms p99 {stats.p99_ms:.1f} ms; CPU per {unit}: "
          f"{app} {app_ms:.2f} ms, PostgreSQL {pg_ms:.2f} ms; folded stacks in {out}")
