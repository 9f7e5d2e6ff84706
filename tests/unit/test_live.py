"""Live ticks are coalesced: at most one per `interval`, however many batches are applied
meanwhile, and each change is shown (never dropped, never queued); one ticker serves every follower."""
from __future__ import annotations

import asyncio

from gateway.live import AppliedHere, LiveTicks, Polled, projection_changes


class Runner:
    """The part of a ProjectionRunner live views use: a batch counter and a wait for it to move."""

    applies_here = True

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
        async for _ in projection_changes(AppliedHere(runners), settle=0.01, interval=0.3):
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
    changes = projection_changes(AppliedHere([runner]), settle=0.05, interval=1.0)
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


async def test_a_follower_whose_update_went_out_late_waits_a_whole_interval_before_the_next():
    runner, ticks = Runner(), LiveTicks(settle=0.01, interval=0.2)
    loop = asyncio.get_running_loop()
    sent: list[float] = []

    async def writes() -> None:
        while True:
            await runner.applied()
            await asyncio.sleep(0.02)

    async def follower() -> None:
        delays = iter([0.19, 0.01] * 10)  # executing an update: slow, then fast, in turn
        async for _ in ticks.follow([runner]):
            await asyncio.sleep(next(delays))
            sent.append(loop.time())
            if len(sent) == 8:
                return

    writing = asyncio.ensure_future(writes())
    await asyncio.wait_for(follower(), 10)
    writing.cancel()
    gaps = [b - a for a, b in zip(sent, sent[1:])]
    assert min(gaps) >= 0.195, gaps  # without the wait: 0.02 after each slow one


async def test_polled_changes_tick_when_the_state_read_moves_and_survive_a_failed_read():
    state = {"generation": 1, "fail": False}
    reads = []

    async def read() -> int:
        reads.append(state["generation"])
        if state["fail"]:
            raise ConnectionError("database away")
        return state["generation"]

    changes = projection_changes(Polled(read, every=0.01), settle=0.01, interval=0.05)
    waiting = asyncio.ensure_future(anext(changes))
    await asyncio.sleep(0.1)
    assert not waiting.done() and len(reads) > 3  # read again and again, nothing moved: no tick
    state["fail"] = True
    await asyncio.sleep(0.05)
    assert not waiting.done()  # a failed read is no change and no end
    state.update(fail=False, generation=2)
    await asyncio.wait_for(waiting, 1)
    await changes.aclose()


async def test_a_change_a_poll_found_is_shown_without_settling_again():
    """The poll's own period gathered what changed with it: a reader's updates come 0.2 s sooner."""
    generation = {"now": 1}

    async def read() -> int:
        return generation["now"]

    changes = projection_changes(Polled(read, every=0.01), settle=5.0, interval=0.05)
    waiting = asyncio.ensure_future(anext(changes))
    await asyncio.sleep(0.05)
    generation["now"] = 2
    await asyncio.wait_for(waiting, 1)  # with a settle after the poll: 5 s
    await changes.aclose()


async def test_ticks_are_polled_when_the_projections_run_in_a_projector_process():
    class Elsewhere(Runner):
        applies_here = False  # run_projections false: this process applies nothing

    generation = {"now": 1}

    async def read() -> int:
        return generation["now"]

    runner, ticks = Elsewhere(), LiveTicks(settle=0.01, interval=0.02)
    follow = ticks.follow([runner], read)
    first = asyncio.ensure_future(anext(follow))
    await asyncio.sleep(0.05)
    assert not first.done()
    generation["now"] = 2  # the projector committed a batch; this process's runner counted nothing
    assert await asyncio.wait_for(first, 1) == 1
    assert await ticks.pinned == 2
    await follow.aclose()
