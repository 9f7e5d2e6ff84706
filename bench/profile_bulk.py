"""`python -m bench.profile_bulk [people]`: the city seed's bulk import (POST /youth:batch) sampled by py-spy
in the harness (generation, HTTP client), the registry (request, vault, append, relay) and the gateway
(projection); folded stacks in .bench/bulk-<process>.folded, CPU ms per youth of every process printed."""
from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from pathlib import Path

import asyncpg

from chassis.settings import PROJECT_ROOT
from xinqing.seed_city import seed_city

from .cpu import CpuSnapshot, idle_rates, net_of_idle, postgres_by_database
from .stack import BenchStack, on_fresh_stack


async def profile(stack: BenchStack, people: int, out: Path) -> None:
    pids = {"harness": os.getpid(), **{name: stack.apps[name].popen.pid for name in ("registry", "gateway")}}
    spies = [await asyncio.create_subprocess_exec(
        str(Path(sys.executable).parent / "py-spy"), "record", "-p", str(pid), "-r", "100", "-f", "raw",
        "-o", str(out / f"bulk-{name}.folded"), "--nonblocking",
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
        for name, pid in pids.items()]
    gateway = await asyncpg.connect(stack.dsn(stack.settings.database("gateway")))
    idle = await idle_rates(stack)
    print("idle CPU ms/s: " + ", ".join(f"{k} {v:.1f}" for k, v in idle.items()))
    try:
        before, pg0 = CpuSnapshot.take(stack), postgres_by_database(stack)
        t0 = time.perf_counter()
        with tempfile.TemporaryDirectory() as tmp:
            done = await seed_city(stack.settings, count=people, checkpoint=Path(tmp) / "seed.json")
        stored = time.perf_counter() - t0
        mid, pg_mid = CpuSnapshot.take(stack), postgres_by_database(stack)
        while await gateway.fetchval("SELECT coalesce(sum(count), 0) FROM youth_counts") < done.created:
            await asyncio.sleep(0.05)
        projected = time.perf_counter() - t0
        after, pg1 = CpuSnapshot.take(stack), postgres_by_database(stack)
    finally:
        await gateway.close()
        for spy in spies:
            spy.send_signal(2)
        for spy in spies:
            await spy.wait()
    print(f"{done.created} youth: stored {done.created / stored:,.0f}/s ({stored:.1f} s), end to end "
          f"{done.created / projected:,.0f}/s ({projected:.1f} s)")
    for label, a, b, s in (("while storing", before, mid, stored), ("whole run", before, after, projected)):
        ms = a.per_item(b, done.created)
        net = net_of_idle(ms, idle, s, done.created)
        for kind, v in (("", ms), (" net of idle", net)):
            print(f"CPU ms/youth {label}{kind}: " + ", ".join(f"{k} {x:.3f}" for k, x in v.items())
                  + f"; total {sum(v.values()):.3f}")
    for label, a, b in (("while storing", pg0, pg_mid), ("whole run", pg0, pg1)):
        print(f"PostgreSQL CPU ms/youth by database (live backends), {label}: " + ", ".join(
            f"{db} {(b.get(db, 0.0) - a.get(db, 0.0)) / done.created * 1000:.3f}" for db in sorted(b)))


def main() -> None:
    out = PROJECT_ROOT / ".bench"
    out.mkdir(exist_ok=True)
    people = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    on_fresh_stack(lambda stack: profile(stack, people, out), ["registry", "gateway"])


if __name__ == "__main__":
    main()
