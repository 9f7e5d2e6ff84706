"""Youth read model: registered youth (public attributes only) and counts for the dashboard."""
from __future__ import annotations

from dataclasses import dataclass

import asyncpg

from chassis.envelope import Envelope
from chassis.settings import Settings

REGISTRY_TOPIC = "xq.registry.youth"


class YouthProjection:
    name = "gateway.youth"
    tables = ("youth", "youth_counts")
    stream_prefixes = ("youth-",)

    def __init__(self, settings: Settings):
        self.topics = (settings.topic(REGISTRY_TOPIC),)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        if event.type == "xq.registry.youth.registered.v1":
            d = event.data
            await conn.execute(
                """INSERT INTO youth (youth_id, district, youth_type, subtype, is_minor, age_band, registered_on)
                   VALUES ($1, $2, $3, $4, $5, $6, $7::text::date)""",
                d["youth_id"], d["district"], d["youth_type"], d["subtype"], d["is_minor"], d["age_band"],
                d["registered_on"])
            await conn.execute(
                """INSERT INTO youth_counts (district, youth_type, subtype, count) VALUES ($1, $2, $3, 1)
                   ON CONFLICT (district, youth_type, subtype) DO UPDATE SET count = youth_counts.count + 1""",
                d["district"], d["youth_type"], d["subtype"])


@dataclass(frozen=True)
class YouthCounts:
    total: int
    by_type: dict[str, int]
    by_district: dict[str, int]


async def youth_counts(conn: asyncpg.Connection, district: str | None) -> YouthCounts:
    rows = await conn.fetch(
        "SELECT district, youth_type, sum(count)::int AS n FROM youth_counts "
        "WHERE $1::text IS NULL OR district = $1 GROUP BY district, youth_type", district)
    by_type: dict[str, int] = {}
    by_district: dict[str, int] = {}
    for r in rows:
        by_type[r["youth_type"]] = by_type.get(r["youth_type"], 0) + r["n"]
        by_district[r["district"]] = by_district.get(r["district"], 0) + r["n"]
    return YouthCounts(sum(by_type.values()), by_type, by_district)
