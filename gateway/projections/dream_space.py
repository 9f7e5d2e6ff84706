"""筑梦空间's dashboard counters (ds_project_counts) from the project events on xq.stations.event, moved in the
projection's transaction: applied; supported (one more active); ended (one fewer active, one more completed
or stopped); internships offered and closed (ds_internship_counts: open offers and places).
Reads: gateway/tables/dream_space.py."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from contracts.stations import EVENT, ActivityEvents

from .counters import counter_upsert
from .reading import Reading

_PROJECTS = counter_upsert("ds_project_counts", ("district",), ("applied", "active", "completed", "stopped"))
_INTERNSHIPS = counter_upsert("ds_internship_counts", ("district",), ("open_offers", "open_places"))


async def _count(conn: asyncpg.Connection, e: Envelope, *, applied: int = 0, active: int = 0, completed: int = 0,
                 stopped: int = 0) -> None:
    await conn.execute(_PROJECTS, e.data["district"], applied, active, completed, stopped)


async def _applied(conn: asyncpg.Connection, e: Envelope) -> None:
    await _count(conn, e, applied=1)


async def _supported(conn: asyncpg.Connection, e: Envelope) -> None:
    await _count(conn, e, active=1)


async def _ended(conn: asyncpg.Connection, e: Envelope) -> None:
    completed = e.data["outcome"] == "COMPLETED"
    await _count(conn, e, active=-1, completed=int(completed), stopped=int(not completed))


async def _internships(conn: asyncpg.Connection, e: Envelope, sign: int) -> None:
    await conn.execute(_INTERNSHIPS, e.data["district"], sign, sign * e.data["places"])


async def _offered(conn: asyncpg.Connection, e: Envelope) -> None:
    await _internships(conn, e, 1)


async def _closed(conn: asyncpg.Connection, e: Envelope) -> None:
    await _internships(conn, e, -1)


class DreamSpaceProjection(Reading, name="gateway.dream_space", reads=(EVENT,), streams=("project-", "internship-"),
                           tables=("ds_project_counts", "ds_internship_counts")):
    handlers = {
        ActivityEvents.PROJECT_APPLIED: _applied,
        ActivityEvents.PROJECT_SUPPORTED: _supported,
        ActivityEvents.PROJECT_ENDED: _ended,
        ActivityEvents.INTERNSHIP_OFFERED: _offered,
        ActivityEvents.INTERNSHIP_CLOSED: _closed,
    }
