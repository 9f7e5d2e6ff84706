"""Long-running coroutines owned by an object (relay, projection runner, scheduler): started once,
cancelled and awaited on stop, so shutdown never leaves a task writing after its pool closed."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from contextlib import suppress
from typing import Any, NoReturn


async def retrying(attempt: Callable[[], Awaitable[object]], *, pause: float,
                   report: Callable[[Exception], None]) -> NoReturn:
    """Run `attempt` again and again, for a loop that must outlive the database or Kafka going away: a
    failure is reported and waited out for `pause` seconds; only cancellation (stop) ends it."""
    while True:
        try:
            await attempt()
        except Exception as exc:
            report(exc)
            await asyncio.sleep(pause)


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
        for task in tasks:
            task.cancel()
        for task in tasks:
            with suppress(asyncio.CancelledError):
                await task
