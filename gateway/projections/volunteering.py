"""Volunteering's dashboard counters (vo_day_counts) from the shift events on xq.stations.event, moved in the
projection's transaction: a shift published, hours recorded (one person-shift served), hours corrected (by the
difference; a correction to 0 leaves the person-shift, as it did happen). Reads: gateway/tables/volunteering.py."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from contracts.stations import EVENT, ActivityEvents

from .counters import counter_upsert
from .reading import Reading

_COUNT = counter_upsert("vo_day_counts", ("district", "day"), ("shifts", "minutes", "served"), casts={"day": "date"})


async def _count(conn: asyncpg.Connection, e: Envelope, *, shifts: int = 0, minutes: int = 0, served: int = 0) -> None:
    await conn.execute(_COUNT, e.data["district"], e.data["day"], shifts, minutes, served)


async def _published(conn: asyncpg.Connection, e: Envelope) -> None:
    await _count(conn, e, shifts=1)


async def _recorded(conn: asyncpg.Connection, e: Envelope) -> None:
    await _count(conn, e, minutes=e.data["minutes"], served=1)


async def _corrected(conn: asyncpg.Connection, e: Envelope) -> None:
    await _count(conn, e, minutes=e.data["minutes"] - e.data["previous"])


class VolunteeringProjection(Reading, name="gateway.volunteering", reads=(EVENT,), streams=("shift-",),
                             tables=("vo_day_counts",)):
    handlers = {
        ActivityEvents.SHIFT_PUBLISHED: _published,
        ActivityEvents.HOURS_RECORDED: _recorded,
        ActivityEvents.HOURS_CORRECTED: _corrected,
    }
