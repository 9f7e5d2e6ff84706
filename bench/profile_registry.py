"""`python -m bench.profile_registry [seconds] [--graphql] [--no-spy]`: registrations under a closed loop of
8 workers — `POST /youth` on the registry, or with `--graphql` the `registerYouth` mutation through the
gateway — with CPU ms per command of each process, the load average, and statements per command in each
database (pg_stat_statements: the relay's and the key store's included). Unless `--no-spy`, py-spy samples
the registry (with `--graphql` the gateway; folded stacks in .bench/<that app>.folded); its sampling costs
that process some CPU, so take CPU figures to compare from a `--no-spy` run."""
from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from chassis.settings import PROJECT_ROOT

from . import statements
from .cpu import CpuSnapshot, idle_rates, net_of_idle
from .loadgen import closed_loop
from .stack import BenchStack
from .workloads import register, register_graphql


async def profile(stack: BenchStack, seconds: int, out: Path | None, graphql: bool) -> None:
    app = "gateway" if graphql else "registry"
    async with stack.client(app, connections=8) as c:
        async def op(i: int) -> None:
            await (register_graphql if graphql else register)(c, i, 8)

        for i in range(20):  # warm: token verification, prepared statements, the relay's first batches
            await op(90_000_000 + i)
        idle = await idle_rates(stack, 3)  # pollers, heartbeats, the JVM: subtracted below
        spy = None if out is None else await asyncio.create_subprocess_exec(
            str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(stack.apps[app].popen.pid),
            "-d", str(max(1, seconds - 2)), "-r", "200", "-f", "raw", "-o", str(out), "--nonblocking")
        await statements.reset(stack)
        load = os.getloadavg()
        before = CpuSnapshot.take(stack)
        stats, _ = await closed_loop(op, 8, seconds)
        await asyncio.sleep(0.5)  # the relay's last batch and the gateway's projection
        cpu = before.per_item(CpuSnapshot.take(stack), stats.completed)
        net = net_of_idle(cpu, idle, seconds + 0.5, stats.completed)
        counts = await statements.per_database(stack)
        if spy is not None:
            await spy.wait()
    n = max(stats.completed, 1)
    print(f"load average {load[0]:.2f} / {load[1]:.2f} at the start; {stats.completed} commands, "
          f"{stats.throughput:.0f}/s p50 {stats.p50_ms:.1f} ms p99 {stats.p99_ms:.1f} ms, {stats.errors} errors")
    print("CPU ms per command: " + ", ".join(f"{k} {v:.2f} (net of idle {net[k]:.2f})" for k, v in cpu.items()))
    print("statements per command: " + ", ".join(f"{db} {calls / n:.2f} ({ms / n:.3f} ms)"
                                                  for db, (calls, ms) in counts.items()))
    for r in await statements.top(stack):
        print(f"  {r['calls'] / n:6.2f}/cmd {r['ms'] / n:7.3f} ms/cmd  {r['datname']}: {r['query']}")
    if out is not None:
        print(f"folded stacks in {out}")


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    seconds = int(args[0]) if args else 15
    graphql = "--graphql" in sys.argv
    out = None if "--no-spy" in sys.argv else PROJECT_ROOT / ".bench" / f"{'gateway' if graphql else 'registry'}.folded"
    if out is not None:
        out.parent.mkdir(exist_ok=True)
    stack = BenchStack()
    try:
        stack.start_infra()
        asyncio.run(statements.enable(stack))  # restarts PostgreSQL: before any service connects
        stack.start_apps(["registry", "gateway"] if graphql else ["registry"])
        asyncio.run(profile(stack, seconds, out, graphql))
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
