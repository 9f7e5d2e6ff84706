"""Live ticks are coalesced per subscriber: at most one per `interval`, however many batches are applied
meanwhile, and each change is shown (never dropped, never queued)."""
from __future__ import annotations

import asyncio

from gateway.live import projection_changes


class Runner:
    """The part of a ProjectionRunner live views use: a batch counter and a wait for it to move."""

    def __init__(self) -> None:
        self.batches = 0
        self._moved = asyncio.Condition()

    async def applied(self) -> None:
        async with self._moved:
            self.batches += 1
            self._moved.notify_all()

    async def changed_since(self, seen: int) -> int:
        async with self._moved:
            await self._moved.wait_for(lambda: self.batches > seen)
        return self.batches


async def test_a_stream_of_batches_gives_one_tick_per_interval_and_the_last_change_is_shown():
    runners = [Runner(), Runner()]
    ticks: list[float] = []
    loop = asyncio.get_running_loop()

    async def subscriber() -> None:
        async for _ in projection_changes(runners, settle=0.01, interval=0.3):
            ticks.append(loop.time())

    task = asyncio.ensure_future(subscriber())
    start = loop.time()
    for i in range(100):  # 100 batches over ≈ 1 s, on both runners
        await runners[i % 2].applied()
        await asyncio.sleep(0.01)
    await asyncio.sleep(0.5)  # the last batches' tick
    task.cancel()
    gaps = [b - a for a, b in zip(ticks, ticks[1:])]
    assert all(g >= 0.29 for g in gaps), gaps  # never two within the interval...
    assert 2 <= len(ticks) <= (ticks[-1] - start) / 0.3 + 1, ticks  # ...so a few ticks, not 100 (however slow the machine)
    assert ticks[-1] - start >= 1.0  # the changes at the end were shown too


async def test_a_single_change_is_shown_after_settle_only():
    runner = Runner()
    loop = asyncio.get_running_loop()
    changes = projection_changes([runner], settle=0.05, interval=1.0)
    start = loop.time()
    waiting = asyncio.ensure_future(anext(changes))
    await asyncio.sleep(0)
    await runner.applied()
    await waiting
    assert loop.time() - start < 0.5
