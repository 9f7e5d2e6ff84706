"""Benchmark 3: bulk import, youth per second end to end — the city seed's write path (the registry's
POST /youth:batch, two batches of 2,000 in flight) until every person is stored, then until the gateway's
read model holds them all (published by the relay, projected by the gateway)."""
from __future__ import annotations

import asyncio
import tempfile
import time
from pathlib import Path

import asyncpg

from xinqing.seed_city import CITY_YOUTH, seed_city

from .cpu import CpuSnapshot, idle_rates, net_of_idle
from .report import Report
from .stack import BenchStack

TARGET_SECONDS = 300  # 2.2 M in ≤ 5 minutes


# The gateway's counters (what the dashboard reads), not count(*) of its youth table: polled every 50 ms,
# counting a growing table would bill the import for PostgreSQL work the harness does.
PROJECTED = "SELECT coalesce(sum(count), 0) FROM youth_counts"


def fifths(marks: list[tuple[float, int]]) -> tuple[float, float]:
    """Storing rates (people/s) over the first and the last fifth of the run, from the (seconds, written)
    marks taken after each chunk; the first mark is the start (0 written)."""
    total = marks[-1][1]
    start, end = marks[0], marks[-1]
    early = next(m for m in marks if m[1] >= total / 5)
    late = next(m for m in reversed(marks) if m[1] <= total * 4 / 5)

    def rate(a: tuple[float, int], b: tuple[float, int]) -> float:
        return (b[1] - a[1]) / (b[0] - a[0]) if b[0] > a[0] else 0.0
    return rate(start, early), rate(late, end)


async def run(stack: BenchStack, report: Report, *, people: int, timeout: float = 3600) -> None:
    stack.start_apps(["registry", "gateway"])
    gateway = await asyncpg.connect(stack.dsn(stack.settings.database("gateway")))
    try:
        before = await gateway.fetchval(PROJECTED)
        idle = await idle_rates(stack)
        with tempfile.TemporaryDirectory(prefix="xq-bench-seed-") as tmp:
            marks: list[tuple[float, int]] = []  # (seconds, people written) after each chunk
            cpu0 = CpuSnapshot.take(stack)
            t0 = time.perf_counter()
            done = await seed_city(stack.settings, count=people, checkpoint=Path(tmp) / "seed.json",
                                   chunk=max(people // 20 // 4000 * 4000, 100),  # ≈ 20 marks, whole rounds
                                   on_progress=lambda p, _: marks.append((time.perf_counter() - t0, p.written)))
            stored = time.perf_counter() - t0
        deadline = t0 + timeout
        while await gateway.fetchval(PROJECTED) < before + done.created:
            if time.perf_counter() > deadline:
                raise RuntimeError("bulk import: the gateway did not project every imported person in time")
            await asyncio.sleep(0.05)
        projected = time.perf_counter() - t0
        cpu = cpu0.per_item(CpuSnapshot.take(stack), done.created)
    finally:
        await gateway.close()
    t = report.table("bulk_import", "3. Bulk import: youth/s through POST /youth:batch",
                     ["people", "stored s", "stored youth/s", "stored youth/s, first fifth",
                      "stored youth/s, last fifth", "projected s", "end-to-end youth/s", "2.2 M would take (min)"])
    rate = done.created / projected
    first, last = fifths(marks)
    t.add(**{"people": done.created, "stored s": round(stored, 2), "stored youth/s": round(done.created / stored),
             "stored youth/s, first fifth": round(first), "stored youth/s, last fifth": round(last),
             "projected s": round(projected, 2), "end-to-end youth/s": round(rate),
             "2.2 M would take (min)": round(CITY_YOUTH / rate / 60, 1)})
    t.notes.append("End to end = stored in the registry, published by its relay, projected into the gateway's "
                   "youth read model (timed from the first request to the last person visible there).")
    t.notes.append("First and last fifth: the storing rate over the first and the last 20 % of the people — "
                   "whether it holds as the registry's tables and indexes grow.")
    net = net_of_idle(cpu, idle, projected, done.created)
    c = report.table("bulk_import_cpu", "3b. Bulk import: CPU ms per youth, by process (first request to last "
                     "person projected)", ["measured", *cpu, "total"])
    c.add(measured="all", **{name: round(ms, 3) for name, ms in cpu.items()}, total=round(sum(cpu.values()), 3))
    c.add(measured="net of idle", **{name: round(ms, 3) for name, ms in net.items()}, total=round(sum(net.values()), 3))
    c.notes.append("Net of idle: minus what each process spent per second while nothing was offered (5 s "
                   "before the import: " + ", ".join(f"{k} {v:.0f}" for k, v in idle.items()) + " CPU ms/s), "
                   "times the run's duration — pollers, heartbeats, a young JVM; a long, starved run pays them "
                   "per youth.")
    c.notes.append("harness = the city seed generating people and sending the batches (httpx); registry includes "
                   "its outbox relay (same process); the machine's 2 cores give a budget of "
                   f"{2000 / (CITY_YOUTH / TARGET_SECONDS):.3f} ms per youth for every process together at "
                   f"{CITY_YOUTH / TARGET_SECONDS:,.0f} youth/s.")
    report.target("bulk import of 2.2 M", "≤ 5 min", f"{rate:,.0f} youth/s end to end ⇒ "
                  f"{CITY_YOUTH / rate / 60:,.0f} min for 2.2 M", CITY_YOUTH / rate <= TARGET_SECONDS)
