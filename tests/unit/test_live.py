"""Live ticks are coalesced: at most one per `interval`, however many batches are applied
meanwhile, and each change is shown (never dropped, never queued); one ticker serves every follower."""
from __future__ import annotations

import asyncio

from gateway.live import LiveTicks, projection_changes


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


async def test_every_follower_gets_the_same_ticks_and_the_tick_reads_its_pinned_state_once():
    runner, ticks, reads = Runner(), LiveTicks(settle=0.01, interval=0.05), []

    async def read() -> int:
        reads.append(ticks.count)
        return len(reads)

    got: dict[str, list[tuple[int, object]]] = {"a": [], "b": []}

    async def follower(name: str) -> None:
        async for n in ticks.follow([runner], read):
            got[name].append((n, await ticks.pinned))

    followers = [asyncio.ensure_future(follower(name)) for name in got]
    await asyncio.sleep(0.01)
    for _ in range(3):
        await runner.applied()
        await asyncio.sleep(0.15)  # each change its own tick
    for task in followers:
        task.cancel()
    await asyncio.gather(*followers, return_exceptions=True)
    assert got["a"] == got["b"] and len(got["a"]) == 3, got  # the same ticks, the same state read for both
    assert len(reads) == 3  # once per tick, not once per follower


async def test_a_slow_follower_skips_to_the_latest_tick_and_the_ticker_stops_with_the_last_follower():
    runner, ticks = Runner(), LiveTicks(settle=0.01, interval=0.02)
    follow = ticks.follow([runner])
    first = asyncio.ensure_future(anext(follow))
    await asyncio.sleep(0.01)
    await runner.applied()
    assert await first == 1
    for _ in range(3):  # three ticks while the follower is busy elsewhere
        await runner.applied()
        await asyncio.sleep(0.06)
    assert ticks.count == 4
    assert await asyncio.wait_for(anext(follow), 1) == 4  # one update with everything, no backlog of three
    await follow.aclose()
    assert ticks._ticker is None  # nobody follows: nothing runs
