"""Stopping background work is bounded (chassis/background.py, chassis/db.close_pool): a task that swallows
its cancellation (as aiokafka can, inside a group join or a producer flush) or a pool connection never
released must not hold a service's shutdown past its bound."""
from __future__ import annotations

import asyncio
import logging
import time

from chassis import background
from chassis.background import Background
from chassis.db import close_pool


async def _stubborn(started: asyncio.Event) -> None:
    """Swallows the first cancellation and keeps working, like a client library finishing a request."""
    started.set()
    try:
        await asyncio.sleep(3600)
    except asyncio.CancelledError:
        await asyncio.sleep(3600)


async def test_a_task_that_swallows_its_cancel_is_abandoned_after_the_bound_and_named(monkeypatch, caplog):
    monkeypatch.setattr(background, "STOP_SECONDS", 0.2)
    work, started = Background(), asyncio.Event()
    work.start(_stubborn(started), "stubborn-consumer")
    await started.wait()
    begun = time.monotonic()
    with caplog.at_level(logging.WARNING, logger="chassis.background"):
        await asyncio.wait_for(work.stop(), 5)  # without the bound: an hour
    assert time.monotonic() - begun < 2
    assert not work.running
    abandoned = [r for r in caplog.records if "abandoned" in r.getMessage()]
    assert abandoned and abandoned[0].tasks == ["stubborn-consumer"]


async def test_well_behaved_tasks_end_before_stop_returns_and_nothing_is_logged(caplog):
    work, ended = Background(), []

    async def loop(name: str) -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            ended.append(name)

    work.start(loop("a"), "a")
    work.start(loop("b"), "b")
    await asyncio.sleep(0)
    with caplog.at_level(logging.WARNING, logger="chassis.background"):
        await work.stop()
    assert sorted(ended) == ["a", "b"]
    assert not [r for r in caplog.records if r.name == "chassis.background"]


class _PoolWithAHeldConnection:
    """asyncpg's Pool.close() waits until every acquired connection is released."""

    def __init__(self) -> None:
        self.terminated = False

    async def close(self) -> None:
        await asyncio.sleep(3600)

    def terminate(self) -> None:
        self.terminated = True


async def test_a_pool_that_does_not_close_in_time_is_terminated():
    pool = _PoolWithAHeldConnection()
    begun = time.monotonic()
    await close_pool(pool, seconds=0.2)  # type: ignore[arg-type]
    assert time.monotonic() - begun < 2
    assert pool.terminated


class Died(BaseException):
    """Like a consumer killed in a fault test: not an Exception, so nothing resumes it."""


async def test_a_task_that_died_of_its_own_error_raises_it_on_stop_after_the_others_stopped():
    work, ended = Background(), []

    async def dies() -> None:
        raise Died()

    async def loop() -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            ended.append("loop")

    work.start(dies(), "dies")
    work.start(loop(), "loop")
    await asyncio.sleep(0.01)
    try:
        await work.stop()
    except Died:
        pass
    else:
        raise AssertionError("the error a task died of was hidden")
    assert ended == ["loop"] and not work.running
