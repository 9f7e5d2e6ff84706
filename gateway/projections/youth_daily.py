"""Registrations per day (district × youth type): date-range figures and the weekly series of the
dashboard (their reads: gateway/tables/youth.py). Its own projection (own consumer group), so it can be
rebuilt without touching the others."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from contracts.registry import YOUTH, YouthEvents

from .reading import Reading


async def _registered(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """INSERT INTO youth_daily (district, youth_type, registered_on, count)
           VALUES ($1, $2, $3::text::date, 1)
           ON CONFLICT (registered_on, district, youth_type) DO UPDATE SET count = youth_daily.count + 1""",
        d["district"], d["youth_type"], d["registered_on"])


class YouthDailyProjection(Reading, name="gateway.youth_daily", reads=(YOUTH,), streams=("youth-",),
                           tables=("youth_daily",)):
    handlers = {YouthEvents.REGISTERED: _registered}

    async def apply_batch(self, conn: asyncpg.Connection, events: list[Envelope]) -> None:
        """`apply` for a whole batch: the registrations summed per day, district and type, one upsert."""
        counts: dict[tuple[str, str, str], int] = {}
        for e in events:
            if e.type == YouthEvents.REGISTERED:
                d = e.data
                key = (d["district"], d["youth_type"], d["registered_on"])
                counts[key] = counts.get(key, 0) + 1
        if counts:
            keys = list(counts)
            await conn.execute(
                """INSERT INTO youth_daily (district, youth_type, registered_on, count)
                   SELECT d, t, r::date, n FROM unnest($1::text[], $2::text[], $3::text[], $4::int[]) AS x(d, t, r, n)
                   ON CONFLICT (registered_on, district, youth_type) DO UPDATE SET count = youth_daily.count + EXCLUDED.count""",
                [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], [counts[k] for k in keys])

