"""Load generation: open loop at a fixed offered rate, and closed loop to find the saturation point.

Open loop: request i is *due* at start + i/rate whatever happened before, and its latency is counted
from when it was due, not from when it got a connection — so a stalled system shows its queueing
(no coordinated omission). Percentiles come from the full sample (numpy), not from a sketch.
"""
from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import numpy as np

Op = Callable[[int], Awaitable[object]]


@dataclass(frozen=True)
class RunStats:
    offered: float | None  # requests/s asked for (None: closed loop)
    completed: int
    errors: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    p95_ms: float = float("nan")
    unsent: int = 0  # due within the run but still waiting for a free slot when it ended (open_loop(drop_late))
    first_error: str = ""  # what the first failed op raised (its kind and message, shortened)

    @property
    def throughput(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0


def stats(latencies_s: list[float], errors: int, seconds: float, offered: float | None, unsent: int = 0,
          first_error: str = "") -> RunStats:
    if latencies_s:
        arr = np.asarray(latencies_s) * 1000
        p50, p95, p99, mx = (float(x) for x in np.percentile(arr, [50, 95, 99, 100]))
    else:
        p50 = p95 = p99 = mx = float("nan")
    return RunStats(offered, len(latencies_s), errors, seconds, p50, p99, mx, p95, unsent, first_error)


def described(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:200]


async def open_loop(op: Op, rate: float, seconds: float, *, first: int = 0, max_in_flight: int = 5000,
                    drop_late: bool = False) -> RunStats:
    """Issue `op(first + i)` at `rate` per second for `seconds`; latency measured from each due time.
    `drop_late`: what is still waiting for a slot when the `seconds` are over is not sent (counted as
    `unsent`), so a long run on a saturated machine ends on time instead of working off its queue."""
    loop = asyncio.get_running_loop()
    total = max(1, int(rate * seconds))
    latencies: list[float] = []
    errors, failures = 0, []
    gate = asyncio.Semaphore(max_in_flight)  # memory guard only: waiting here still counts as latency
    start = loop.time() + 0.02

    end, unsent = start + seconds, 0

    async def one(i: int, due: float) -> None:
        nonlocal errors, unsent
        try:
            async with gate:
                if drop_late and loop.time() > end:
                    unsent += 1
                    return
                await op(first + i)
            latencies.append(loop.time() - due)
        except Exception as exc:
            errors += 1
            failures.append(described(exc))

    tasks = []
    for i in range(total):
        due = start + i / rate
        delay = due - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(i, due)))
    await asyncio.gather(*tasks)
    return stats(latencies, errors, loop.time() - start, rate, unsent, failures[0] if failures else "")


async def closed_loop(op: Op, concurrency: int, seconds: float, *, first: int = 0) -> tuple[RunStats, int]:
    """`concurrency` workers, each issuing its next op as soon as the previous answered. -> (stats, next id)."""
    counter = iter(range(first, 1 << 62))
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def worker() -> None:
        nonlocal errors
        while time.perf_counter() < deadline:
            t0 = time.perf_counter()
            try:
                await op(next(counter))
                latencies.append(time.perf_counter() - t0)
            except Exception:
                errors += 1

    t0 = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return stats(latencies, errors, time.perf_counter() - t0, None), next(counter)
