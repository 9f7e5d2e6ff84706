"""The scheduled process that marks overdue appeals: each appeal past an open deadline gets
`MarkOverdue(now)` through its decider, in its own transaction (one stuck appeal never holds the
others back). Safe to run twice: the decider answers nothing for what is already marked."""
from __future__ import annotations

import logging
from datetime import datetime

from chassis.commands import execute, transaction
from chassis.errors import VersionConflict

from . import views
from .deps import Runtime
from .domain import appeal

log = logging.getLogger(__name__)


async def mark_overdue(rt: Runtime, now: datetime) -> int:
    """Mark every appeal whose deadline passed before `now`; how many appeals got an event."""
    store = rt.deps.stores["appeal"]
    async with rt.pool.acquire() as conn:
        due = await views.overdue_appeals(conn, now)
    marked = 0
    for appeal_id in due:
        try:
            async with transaction(rt.pool) as conn:
                envelopes = await execute(conn, store, appeal.appeal, appeal.stream_id(appeal_id),
                                          appeal.MarkOverdue(now))
                stream = await store.load(conn, appeal.stream_id(appeal_id))
                await views.track_deadlines(conn, appeal.appeal.fold(stream.events))
            marked += bool(envelopes)
        except VersionConflict:  # someone handled it meanwhile; the next run looks again
            log.info("appeal changed while marking overdue", extra={"appeal_id": appeal_id})
    return marked
