"""Registrations per day (district × youth type): date-range figures and the weekly series of the
dashboard. Its own projection (own consumer group), so it can be rebuilt without touching the others."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import asyncpg

from chassis.envelope import Envelope
from chassis.settings import Settings

from .youth import REGISTERED, REGISTRY_TOPIC


class YouthDailyProjection:
    name = "gateway.youth_daily"
    handles: tuple[str, ...] = ()  # TODO(issue 14, this session): the Dispatch table replaces it
    tables = ("youth_daily",)
    stream_prefixes = ("youth-",)

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(REGISTRY_TOPIC),)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        if event.type == REGISTERED:
            d = event.data
            await conn.execute(
                """INSERT INTO youth_daily (district, youth_type, registered_on, count)
                   VALUES ($1, $2, $3::text::date, 1)
                   ON CONFLICT (registered_on, district, youth_type) DO UPDATE SET count = youth_daily.count + 1""",
                d["district"], d["youth_type"], d["registered_on"])

    async def apply_batch(self, conn: asyncpg.Connection, events: list[Envelope]) -> None:
        """`apply` for a whole batch: the registrations summed per day, district and type, one upsert."""
        counts: dict[tuple[str, str, str], int] = {}
        for e in events:
            if e.type == REGISTERED:
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


@dataclass(frozen=True)
class RegistrationCounts:
    total: int
    by_type: dict[str, int]
    by_district: dict[str, int]


_WHERE = ("($1::text IS NULL OR district = $1) AND ($2::date IS NULL OR registered_on >= $2) "
          "AND ($3::date IS NULL OR registered_on <= $3)")


async def registrations_between(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                                date_to: date | None) -> RegistrationCounts:
    rows = await conn.fetch(f"SELECT district, youth_type, sum(count)::int AS n FROM youth_daily WHERE {_WHERE} "
                            "GROUP BY district, youth_type", district, date_from, date_to)
    by_type: dict[str, int] = {}
    by_district: dict[str, int] = {}
    for r in rows:
        by_type[r["youth_type"]] = by_type.get(r["youth_type"], 0) + r["n"]
        by_district[r["district"]] = by_district.get(r["district"], 0) + r["n"]
    return RegistrationCounts(sum(by_type.values()), by_type, by_district)


async def registrations_per_week(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                                 date_to: date | None, *, after: date | None = None,
                                 limit: int = 1000) -> list[tuple[date, int]]:
    """(Monday of the ISO week, registrations) in week order, weeks after `after` (keyset pagination);
    weeks without registrations are absent."""
    rows = await conn.fetch(f"SELECT date_trunc('week', registered_on)::date AS week, sum(count)::int AS n "
                            f"FROM youth_daily WHERE {_WHERE} GROUP BY 1 "
                            "HAVING $4::date IS NULL OR date_trunc('week', registered_on)::date > $4 ORDER BY 1 LIMIT $5",
                            district, date_from, date_to, after, limit)
    return [(r["week"], r["n"]) for r in rows]
