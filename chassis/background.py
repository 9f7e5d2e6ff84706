"""Long-running coroutines owned by an object (relay, projection runner, scheduler): started once,
cancelled and awaited on stop, so shutdown never leaves a task writing after its pool closed.

A stop is bounded. Client libraries can swallow a cancellation (aiokafka, inside a group join or a
producer flush, went on for its 30 s request timeout), and `asyncio.wait_for` waits for a cancelled
awaitable to finish, so neither a cancel nor wait_for alone bounds it: a task that has not ended
STOP_SECONDS after its cancel is cancelled again and abandoned, with a warning naming it."""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any

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
    abandoned (cancelled once more, never awaited) and named in a warning."""
    if not tasks:
        return
    for task in tasks:
        task.cancel()
    _, pending = await asyncio.wait(tasks, timeout=STOP_SECONDS if seconds is None else seconds)
    for task in tasks:  # read every ended task's outcome: asyncio warns about an exception never retrieved
        if task.done() and not task.cancelled():
            task.exception()
    if pending:
        for task in pending:
            task.cancel()
        log.warning("background work did not stop in time; abandoned",
                    extra={"tasks": sorted(t.get_name() for t in pending)})
