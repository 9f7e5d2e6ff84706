"""Live views: a tick each time any of the gateway's projections applied a batch of events.

Applied in this process, a runner's batch counter wakes the ticker at once; applied by a projector process
(`run_projections` false here), the ticker reads the projections' generations every `settle` seconds, and a
change a poll finds is shown without settling again (the poll's own wait did that).

Subscriptions re-read their read model on each tick. Ticks are coalesced: after a change the tick waits
`settle` seconds, and never comes sooner than `interval` after the previous one (issue 21: at most one
update a second while writes flow). Whatever changed meanwhile is one tick — the runners' batch counters
are read again when the tick is given, so nothing queues up and a thousand events make a handful of
updates, not a thousand.

One ticker per gateway process (`LiveTicks`) serves every subscriber: they all update on the same ticks,
so they can read one state of the read models. A tick also reads the figures' generations once
(`pinned`), and every subscriber's dashboard of that tick uses them: a figure is computed once per tick and
scope, not once per subscriber (100 subscribers computed the whole dashboard 100 times a second before:
docs/BENCHMARKS.md, benchmark 5c). Each tick has its `answers` too: subscribers asking the same thing of the
same scope get one execution (gateway/shared_events.py). The ticker runs only while someone subscribes.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from typing import Any, Protocol

from chassis.background import stop_tasks
from chassis.projection import ProjectionRunner

from .shared_events import SharedAnswers


class Changes(Protocol):
    """Where a change of the read models is seen: `wait` returns once something changed since `mark`.
    `gathered`: `wait` returns only a while after the change (at a poll), so what came with it has arrived
    too and the tick need not settle again."""

    gathered: bool

    async def wait(self) -> None: ...

    async def mark(self) -> None: ...


class AppliedHere:
    """The projections run in this process: each runner's batch counter wakes the tick at once."""

    gathered = False

    def __init__(self, runners: Iterable[ProjectionRunner]) -> None:
        self.runners = list(runners)
        self.seen = [r.batches for r in self.runners]

    async def wait(self) -> None:
        waiting = [asyncio.ensure_future(r.changed_since(s)) for r, s in zip(self.runners, self.seen, strict=True)]
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waiting:
                task.cancel()

    async def mark(self) -> None:
        self.seen = [r.batches for r in self.runners]


class Polled:
    """The projections run in a projector process (`run_projections` false here): their state — the figures'
    generations, one small query — is read every `every` seconds, and a tick follows when it moved. A
    poll finds a change up to `every` after it, and the projector commits live writes on shared beats
    (chassis/projection.py): what changed together has been committed by then, so no settle follows."""

    gathered = True

    def __init__(self, read: Callable[[], Awaitable[Any]], every: float) -> None:
        self.read, self.every = read, every
        self.seen: Any = None

    async def wait(self) -> None:
        while True:
            await asyncio.sleep(self.every)
            try:
                if await self.read() != self.seen:
                    return
            except Exception:  # the database is away: ask again at the next poll; subscribers keep their view
                continue

    async def mark(self) -> None:
        try:
            self.seen = await self.read()
        except Exception:
            self.seen = None  # unknown: the next read that succeeds is a change


def changes_of(runners: Iterable[ProjectionRunner], read: Callable[[], Awaitable[Any]] | None,
               every: float) -> Changes:
    """The runners' counters where any runner applies here (one process), else `read` polled (a reader)."""
    runners = list(runners)
    if read is None or any(r.applies_here for r in runners):
        return AppliedHere(runners)
    return Polled(read, every)


async def projection_changes(changes: Changes, settle: float = 0.2, interval: float = 1.0) -> AsyncIterator[None]:
    """Coalesced ticks of `changes`, for one follower."""
    loop = asyncio.get_running_loop()
    last = loop.time() - interval  # the first change may be shown after `settle` only
    await changes.mark()
    while True:
        await changes.wait()
        await asyncio.sleep(max(0.0 if changes.gathered else settle, last + interval - loop.time()))
        await changes.mark()
        last = loop.time()
        yield


class LiveTicks:
    """The process's ticks, shared by every follower; `read_pinned` (if given) is read once per tick."""

    def __init__(self, settle: float = 0.2, interval: float = 1.0) -> None:
        self.settle, self.interval = settle, interval
        self.count = 0
        self.pinned: asyncio.Future[Any] | None = None  # what this tick's followers read (the generations)
        self.answers: SharedAnswers | None = None  # this tick's executed answers (gateway/shared_events.py)
        self._ticked = asyncio.Condition()
        self._followers = 0
        self._ticker: asyncio.Task[None] | None = None

    async def follow(self, runners: Iterable[ProjectionRunner],
                     read_pinned: Callable[[], Awaitable[Any]] | None = None) -> AsyncIterator[int]:
        """Each tick after the follower arrived, at most one at a time: a slow follower skips to the latest
        tick, it never has ticks queued. Its updates are `interval` apart at least on its own side too: one
        sent late (its execution waited) is not followed by the next tick at once (benchmark 5c measured gaps
        of 43 ms between two updates to one subscriber)."""
        self._followers += 1
        if self._ticker is None:
            self._ticker = asyncio.create_task(self._tick(list(runners), read_pinned), name="live-ticks")
        seen = self.count
        loop = asyncio.get_running_loop()
        shown: float | None = None  # when this follower asked for the next tick: its last update was sent
        try:
            while True:
                async with self._ticked:
                    await self._ticked.wait_for(lambda after=seen: self.count > after)
                if shown is not None and (late := shown + self.interval - loop.time()) > 0:
                    await asyncio.sleep(late)  # its last update went out late: it still gets one a second at most
                seen = self.count
                yield seen
                shown = loop.time()
        finally:
            self._followers -= 1
            if self._followers == 0 and self._ticker is not None:
                ticker, self._ticker = self._ticker, None
                await stop_tasks([ticker])

    async def _tick(self, runners: list[ProjectionRunner], read_pinned: Callable[[], Awaitable[Any]] | None) -> None:
        async for _ in projection_changes(changes_of(runners, read_pinned, self.settle), self.settle, self.interval):
            self.pinned = asyncio.ensure_future(read_pinned()) if read_pinned else None
            if self.pinned is not None:  # a failed read is each follower's error; never "never retrieved"
                self.pinned.add_done_callback(lambda f: f.cancelled() or f.exception())
            self.answers = SharedAnswers()
            async with self._ticked:
                self.count += 1
                self._ticked.notify_all()
