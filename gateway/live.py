"""Live views: a tick each time any of the gateway's projections applied a batch of events.

Subscriptions re-read their read model on each tick. Each subscriber's ticks are coalesced: after a change
the tick waits `settle` seconds, and never comes sooner than `interval` after the subscriber's previous
one (issue 21: at most one update a second while writes flow). Whatever changed meanwhile is one tick —
the runners' batch counters are read again when the tick is given, so nothing queues up behind a slow
subscriber and a thousand events make a handful of updates, not a thousand.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from chassis.projection import ProjectionRunner


async def projection_changes(runners: Iterable[ProjectionRunner], settle: float = 0.2,
                             interval: float = 1.0) -> AsyncIterator[None]:
    runners = list(runners)
    seen = [r.batches for r in runners]
    loop = asyncio.get_running_loop()
    last = loop.time() - interval  # the first change may be shown after `settle` only
    while True:
        waiting = [asyncio.ensure_future(r.changed_since(s)) for r, s in zip(runners, seen, strict=True)]
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waiting:
                task.cancel()
        await asyncio.sleep(max(settle, last + interval - loop.time()))
        seen = [r.batches for r in runners]
        last = loop.time()
        yield
