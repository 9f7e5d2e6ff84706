"""Youth read model: registered youth (public attributes only) and counts for the dashboard.

It follows the person's lifecycle: the counts hold ACTIVE people only. Deactivated people (REGISTRATION
consent withdrawn) leave the counts and come back if they consent again; a merged-away record and an
erased person are removed (row deleted, counts decremented), so the dashboard never counts anyone twice
and keeps no attribute of an erased person (projection_streams keeps only the stream id and version).
"""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from chassis.envelope import Envelope
from chassis.settings import Settings

REGISTRY_TOPIC = "xq.registry.youth"
PREFIX = "xq.registry.youth."


class YouthProjection:
    name = "gateway.youth"
    tables = ("youth", "youth_counts")
    stream_prefixes = ("youth-",)

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(REGISTRY_TOPIC),)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        d = event.data
        kind = event.type.removeprefix(PREFIX)
        if kind == "registered.v1":
            await conn.execute(
                """INSERT INTO youth (youth_id, district, youth_type, subtype, is_minor, age_band, registered_on)
                   VALUES ($1, $2, $3, $4, $5, $6, $7::text::date)""",
                d["youth_id"], d["district"], d["youth_type"], d["subtype"], d["is_minor"], d["age_band"],
                d["registered_on"])
            await _count(conn, d["district"], d["youth_type"], d["subtype"], 1)
            return
        row = await conn.fetchrow("SELECT district, youth_type, subtype, status FROM youth WHERE youth_id = $1",
                                  d["youth_id"])
        if row is None:
            return  # already removed (merged, then erased)
        active = row["status"] == "ACTIVE"
        if kind == "profile-updated.v1":
            new = {k: d.get(k) or row[k] for k in ("district", "youth_type", "subtype")}
            if new != {k: row[k] for k in new}:
                await conn.execute("UPDATE youth SET district = $2, youth_type = $3, subtype = $4 WHERE youth_id = $1",
                                   d["youth_id"], new["district"], new["youth_type"], new["subtype"])
                if active:
                    await _count(conn, row["district"], row["youth_type"], row["subtype"], -1)
                    await _count(conn, new["district"], new["youth_type"], new["subtype"], 1)
        elif kind == "deactivated.v1" and active:
            await _set_status(conn, d["youth_id"], row, "DEACTIVATED", -1)
        elif kind == "consent-given.v1" and d["purpose"] == "REGISTRATION" and row["status"] == "DEACTIVATED":
            await _set_status(conn, d["youth_id"], row, "ACTIVE", 1)
        elif kind in ("merged.v1", "erased.v1"):
            await conn.execute("DELETE FROM youth WHERE youth_id = $1", d["youth_id"])
            if active:
                await _count(conn, row["district"], row["youth_type"], row["subtype"], -1)


async def _set_status(conn, youth_id: str, row, status: str, delta: int) -> None:
    await conn.execute("UPDATE youth SET status = $2 WHERE youth_id = $1", youth_id, status)
    await _count(conn, row["district"], row["youth_type"], row["subtype"], delta)


async def _count(conn, district: str, youth_type: str, subtype: str, delta: int) -> None:
    await conn.execute(
        """INSERT INTO youth_counts (district, youth_type, subtype, count) VALUES ($1, $2, $3, $4)
           ON CONFLICT (district, youth_type, subtype) DO UPDATE SET count = youth_counts.count + $4""",
        district, youth_type, subtype, delta)


@dataclass(frozen=True)
class YouthCounts:
    total: int
    by_type: dict[str, int]
    by_district: dict[str, int]


async def youth_counts(conn: asyncpg.Connection, district: str | None) -> YouthCounts:
    rows = await conn.fetch(
        "SELECT district, youth_type, sum(count)::int AS n FROM youth_counts "
        "WHERE ($1::text IS NULL OR district = $1) AND count > 0 GROUP BY district, youth_type", district)
    by_type: dict[str, int] = {}
    by_district: dict[str, int] = {}
    for r in rows:
        by_type[r["youth_type"]] = by_type.get(r["youth_type"], 0) + r["n"]
        by_district[r["district"]] = by_district.get(r["district"], 0) + r["n"]
    return YouthCounts(sum(by_type.values()), by_type, by_district)
