"""The stations' scheduled work: the process that marks overdue appeals. Each appeal past an open
deadline gets `MarkOverdue(now)` through its decider, in its own transaction (one stuck appeal never
holds the others back). Safe to run twice: the decider answers nothing for what is already marked."""
from __future__ import annotations

import logging
from datetime import datetime

from chassis.errors import VersionConflict
from chassis.scheduler import Job

from . import tables
from .commands import mark_appeal_overdue
from .deps import Runtime

log = logging.getLogger(__name__)


async def mark_overdue(rt: Runtime, now: datetime) -> int:
    """Mark every appeal whose deadline passed before `now`; how many appeals got an event."""
    async with rt.pool.acquire() as conn:
        due = await tables.overdue_appeals(conn, now)
    marked = 0
    for appeal_id in due:
        try:
            marked += await mark_appeal_overdue(rt, appeal_id, now)
        except VersionConflict:  # someone handled it meanwhile; the next run looks again
            log.info("appeal changed while marking overdue", extra={"appeal_id": appeal_id})
    return marked


def jobs(rt: Runtime) -> list[Job]:
    # The clock is read at each run, so a test that moves rt.deps.clock moves the marking with it.
    return [Job("appeals.mark_overdue", rt.deps.config.overdue_scan_seconds,
                lambda: mark_overdue(rt, rt.deps.clock.now()))]
