"""Long-running coroutines owned by an object (relay, projection runner, scheduler): started once,
cancelled and awaited on stop, so shutdown never leaves a task writing after its pool closed.

A stop is bounded. Client libraries can swallow a cancellation (aiokafka, inside a group join or a
producer flush, went on for its 30 s request timeout), and `asyncio.wait_for` waits for a cancelled
awaitable to finish, so neither a cancel nor wait_for alone bounds it: a task that has not ended
STOP_SECONDS after its cancel is cancelled again and abandoned, with a warning naming it.

`Resuming`: an object whose one loop must outlive the database or Kafka going away, and is started afresh when
it has died or stalled (chassis/stall.py)."""
from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine, Hashable, Mapping
from typing import Any

from .retry import resuming
from .stall import STALL_SECONDS, StallWatch

log = logging.getLogger(__name__)

STOP_SECONDS = 5.0


class Background:
    def __init__(self) -> None:
        self._tasks: list[asyncio.Task[Any]] = []

    def start(self, coroutine: Coroutine[Any, Any, Any], name: str) -> None:
        self._tasks.append(asyncio.create_task(coroutine, name=name))

    @property
    def running(self) -> bool:
        return any(not t.done() for t in self._tasks)

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        await stop_tasks(tasks)


async def stop_tasks(tasks: list[asyncio.Task[Any]], seconds: float | None = None) -> None:
    """Cancel `tasks` and wait up to `seconds` (STOP_SECONDS) for them to end; the ones still running are
    abandoned (cancelled once more, never awaited) and named in a warning. A task that had died of an
    error of its own is not hidden: the first such error is raised once all are stopped or abandoned."""
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    _, pending = await asyncio.wait(tasks, timeout=STOP_SECONDS if seconds is None else seconds)
    died = [error for task in tasks if task.done() and not task.cancelled() and (error := task.exception())]
    if pending:
        for task in pending:
            task.cancel()
        log.warning("background work did not stop in time; abandoned",
                    extra={"tasks": sorted(t.get_name() for t in pending)})
    if died:
        raise died[0]


class Resuming(ABC):
    """An object that keeps one loop running while it is started (the outbox relay, a projection runner):
    `attempt` runs again `retry_delay` seconds after each failure, which `_interrupted` reports, until stop.
    The sampler looks at it every round (`look`): a loop that died or stalled is started afresh."""

    def __init__(self, name: str, attempt: Callable[[], Awaitable[object]], retry_delay: float,
                 stall_seconds: float = STALL_SECONDS) -> None:
        self.retry_delay = retry_delay
        self.watch = StallWatch(stall_seconds)
        self.phase = "stopped"  # what its loop is doing: named when it stalls
        self._name = name
        self._attempt = attempt
        self._background = Background()
        self._wanted = False

    def start(self) -> None:
        self._wanted = True
        self._background.start(resuming(self._attempt, pause=self.retry_delay, report=self._interrupted), self._name)

    async def stop(self) -> None:
        self._wanted = False
        await self._background.stop()

    @property
    def wanted(self) -> bool:
        """Started and not stopped: its loop should be running (whether or not it is)."""
        return self._wanted

    @property
    def running(self) -> bool:
        """Its loop is running in this process (it may be stalled)."""
        return self._background.running

    async def restart(self) -> None:
        """A fresh loop in place of one that stalled or died (`attempt` starts again from its beginning)."""
        await self.stop()
        self.start()

    async def look(self, waiting: Mapping[Hashable, int] | None, now: float) -> None:
        """The sampler's look (monotonic `now`): `waiting`, where work waits for this loop, each place with the
        position the work waits behind (None: unknown, as while Kafka is unreachable). A loop that should run and
        has died, or whose work has waited behind an unmoved position for `watch.seconds`, is started afresh."""
        if not self.wanted:
            return  # stopped on purpose (a rebuild, a test): left alone
        if not self.running:
            await self._start_afresh("died", 0.0)
        elif waiting is None:
            self.watch.forget()
        elif self.watch.observe(waiting, now):
            await self._start_afresh("stalled", self.watch.behind_for(now))

    async def _start_afresh(self, reason: str, waited: float) -> None:
        self._restarting(reason, waited)
        self.watch.forget()
        await self.restart()

    @abstractmethod
    def _interrupted(self, exc: Exception) -> None:
        """Count and log a failure of `attempt`; it is tried again."""

    @abstractmethod
    def _restarting(self, reason: str, waited: float) -> None:
        """Count and log that the loop is started afresh: `reason` "died" or "stalled" (`waited` seconds)."""
