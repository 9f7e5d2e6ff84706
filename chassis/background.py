"""Long-running coroutines owned by an object (relay, projection runner, scheduler): started once,
cancelled and awaited on stop, so shutdown never leaves a task writing after its pool closed.

A stop is bounded. Client libraries can swallow a cancellation (aiokafka, inside a group join or a
producer flush, went on for its 30 s request timeout), and `asyncio.wait_for` waits for a cancelled
awaitable to finish, so neither a cancel nor wait_for alone bounds it: a task that has not ended
STOP_SECONDS after its cancel is cancelled again and abandoned, with a warning naming it.

`Resuming`: an object whose one loop must outlive the database or Kafka going away."""
from __future__ import annotations

import asyncio
import logging
from abc import ABC, abstractmethod
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from .retry import resuming

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
    `attempt` runs again `retry_delay` seconds after each failure, which `_interrupted` reports, until stop."""

    def __init__(self, name: str, attempt: Callable[[], Awaitable[object]], retry_delay: float) -> None:
        self.retry_delay = retry_delay
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

    async def restart(self) -> None:
        """A fresh loop in place of one that stalled or died (`attempt` starts again from its beginning)."""
        await self.stop()
        self.start()

    @abstractmethod
    def _interrupted(self, exc: Exception) -> None:
        """Count and log a failure of `attempt`; it is tried again."""
