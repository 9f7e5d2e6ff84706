"""The one retry helper: try an action again on the failures that are worth another try.

`resuming` is the unbounded kind, for the relay's and the projections' loops that must outlive an outage.

Use `retrying` for a transient condition (a race with a concurrent writer, a server that is still starting, a
fact that has not arrived yet); never to hide a refusal. Re-deciding a command on a version conflict
has its own option, `chassis.commands.run(race_retries=…)`.
"""
from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

T = TypeVar("T")
log = logging.getLogger(__name__)


async def retrying(action: Callable[[], Awaitable[T]], *, on: type[BaseException] | tuple[type[BaseException], ...],
                   attempts: int | None = None, timeout: float | None = None, delay: float = 0.0,
                   what: str | None = None) -> T:
    """`await action()` until it returns; a failure of a type in `on` is tried again after `delay`
    seconds, until `attempts` tries were made or `timeout` seconds passed, then the last failure is
    raised. `what`: log each retry at INFO under this description (expected transients are not warnings)."""
    if attempts is None and timeout is None:
        raise ValueError("retrying needs a bound: attempts or timeout")
    deadline = None if timeout is None else time.monotonic() + timeout
    tried = 0
    while True:
        tried += 1
        try:
            return await action()
        except on as exc:
            out_of_tries = attempts is not None and tried >= attempts
            out_of_time = deadline is not None and time.monotonic() + delay > deadline
            if out_of_tries or out_of_time:
                raise
            if what:
                log.info("retrying", extra={"what": what, "attempt": tried, "error": type(exc).__name__})
        if delay:
            await asyncio.sleep(delay)


class _Transient(Exception):
    def __init__(self, answer: object):
        super().__init__()
        self.answer = answer


async def retrying_while(action: Callable[[], Awaitable[T]], transient: Callable[[T], bool], *,
                         attempts: int | None = None, timeout: float | None = None, delay: float = 0.0) -> T:
    """`retrying` for an action that answers instead of raising (an HTTP response, say): ask again while
    `transient(answer)` holds, within the same bounds; the last answer is returned either way."""

    async def once() -> T:
        answer = await action()
        if transient(answer):
            raise _Transient(answer)
        return answer
    try:
        return await retrying(once, on=_Transient, attempts=attempts, timeout=timeout, delay=delay)
    except _Transient as last:
        return last.answer  # type: ignore[return-value]  # what `action` answered, a T


async def polling(probe: Callable[[], Awaitable[T | None]], *, timeout: float, interval: float) -> T | None:
    """`await probe()` until it answers something other than None or `timeout` seconds passed (then None)."""
    deadline = time.monotonic() + timeout
    while True:
        found = await probe()
        if found is not None or time.monotonic() >= deadline:
            return found
        await asyncio.sleep(interval)


async def resuming(attempt: Callable[[], Awaitable[object]], *, pause: float,
                   report: Callable[[Exception], None]) -> NoReturn:
    """Run `attempt` again and again, for a loop that must outlive the database or Kafka going away: a
    failure is reported and waited out for `pause` seconds; only cancellation (stop) ends it.

    A CancelledError that is not this task's own cancellation is a failure too: a client library can pass
    on the cancellation of one of its internal tasks (aiokafka's `getmany` raises what its coordination
    task ended with), and ending the loop on it would stop a projection in silence."""
    while True:
        try:
            await attempt()
        except Exception as exc:
            report(exc)
            await asyncio.sleep(pause)
        except asyncio.CancelledError as exc:
            task = asyncio.current_task()
            if task is None or task.cancelling():
                raise
            report(RuntimeError(f"cancelled from inside: {exc!r}"))
            await asyncio.sleep(pause)
