"""Reads of the youth read models (filled by gateway/projections/youth.py and youth_daily.py): the
current counts of registered youth, and registrations per day for date ranges and the weekly series."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

import asyncpg


@dataclass(frozen=True)
class YouthCounts:
    total: int
    by_type: dict[str, int]
    by_district: dict[str, int]

    @classmethod
    def of(cls, rows: Iterable[asyncpg.Record]) -> YouthCounts:
        """From rows of (district, youth_type, n)."""
        by_type: dict[str, int] = {}
        by_district: dict[str, int] = {}
        for r in rows:
            by_type[r["youth_type"]] = by_type.get(r["youth_type"], 0) + r["n"]
            by_district[r["district"]] = by_district.get(r["district"], 0) + r["n"]
        return cls(sum(by_type.values()), by_type, by_district)


async def youth_counts(conn: asyncpg.Connection, district: str | None) -> YouthCounts:
    """Registered youth now (ACTIVE only)."""
    return YouthCounts.of(await conn.fetch(
        "SELECT district, youth_type, sum(count)::int AS n FROM youth_counts "
        "WHERE ($1::text IS NULL OR district = $1) AND count > 0 GROUP BY district, youth_type", district))


_WHERE = ("($1::text IS NULL OR district = $1) AND ($2::date IS NULL OR registered_on >= $2) "
          "AND ($3::date IS NULL OR registered_on <= $3)")


async def registrations_between(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                                date_to: date | None) -> YouthCounts:
    """Registrations within the range (events counted: a person since removed still counts)."""
    return YouthCounts.of(await conn.fetch(
        f"SELECT district, youth_type, sum(count)::int AS n FROM youth_daily WHERE {_WHERE} "
        "GROUP BY district, youth_type", district, date_from, date_to))


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
