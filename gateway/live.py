"""Live views: a tick each time any of the gateway's projections applied a batch of events.

Subscriptions re-read their read model on each tick. Bursts (a seed, a replay) are coalesced: after a
change the tick waits `settle` seconds, so a thousand events make a handful of updates, not a thousand.
"""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable

from chassis.projection import ProjectionRunner


async def projection_changes(runners: Iterable[ProjectionRunner], settle: float = 0.2) -> AsyncIterator[None]:
    runners = list(runners)
    seen = [r.batches for r in runners]
    while True:
        waiting = [asyncio.ensure_future(r.changed_since(s)) for r, s in zip(runners, seen, strict=True)]
        try:
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in waiting:
                task.cancel()
        await asyncio.sleep(settle)
        seen = [r.batches for r in runners]
        yield
