"""What the stations routes share: who may run their commands, when a step happened, a person's own lists."""
from __future__ import annotations

from datetime import datetime

import asyncpg
from fastapi import Request

from chassis.errors import FieldError, ValidationFailed

from .. import tables
from ..deps import Runtime, runtime

STAFF = ("admin", "station_staff")


def moment(rt: Runtime, at: datetime | None) -> datetime:
    """The moment a request names for its step (now by default): with a time zone, never in the future."""
    now = rt.deps.clock.now()
    at = at or now
    if at.tzinfo is None or at > now:
        raise ValidationFailed([FieldError("at", "时间须带时区，且不能晚于当前时间", "future")])
    return at


async def own_list(request: Request, own: tables.OwnList, youth_id: str) -> list[asyncpg.Record]:
    """One of the person's own lists (tables.OWN_LISTS), in its order."""
    async with runtime(request).pool.acquire() as conn:
        return await tables.own_rows(conn, own, youth_id)
