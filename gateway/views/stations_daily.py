"""Person-times per Beijing day (station × service type × day): the dashboard's date range over the
stations' figures. The monthly counters (gateway/views/stations.py) answer month and all-time questions;
this table answers any range of days. Its own projection (own consumer group), so it fills itself from
the topic's beginning when first deployed and can be rebuilt without touching the others."""
from __future__ import annotations

from datetime import date

import asyncpg

from chassis.envelope import Envelope
from chassis.settings import Settings

DELIVERED = "xq.stations.service.delivered.v1"
_WITHIN = ("($1::text IS NULL OR c.district = $1) AND ($2::date IS NULL OR c.day >= $2) "
           "AND ($3::date IS NULL OR c.day <= $3)")


class StationsDailyProjection:
    name = "gateway.stations_daily"
    handles: tuple[str, ...] = ()  # TODO(issue 14, this session): the Dispatch table replaces it
    tables = ("st_service_daily",)
    stream_prefixes = ("visits-",)

    def __init__(self, settings: Settings):
        self.topics = (settings.topic("xq.stations.service"),)

    async def apply(self, conn: asyncpg.Connection, event: Envelope) -> None:
        if event.type != DELIVERED:
            return
        d = event.data
        await conn.execute(
            """INSERT INTO st_service_daily (station_id, service_type, day, district, station_kind, count, registered)
               VALUES ($1, $2, $3::text::date, $4, $5, 1, $6)
               ON CONFLICT (day, station_id, service_type) DO UPDATE
               SET count = st_service_daily.count + 1, registered = st_service_daily.registered + $6""",
            d["station_id"], d["service_type"], d["delivered_on"], d["district"], d["station_kind"],
            int(d["registered"]))


async def person_times_between(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                               date_to: date | None, group: str) -> list[asyncpg.Record]:
    """Person-times within the range grouped by service_type, district or month (YYYY-MM)."""
    column = {"service_type": "c.service_type", "district": "c.district",
              "month": "to_char(c.day, 'YYYY-MM')"}[group]
    return await conn.fetch(
        f"SELECT {column} AS key, sum(c.count)::int AS n, sum(c.registered)::int AS registered "
        f"FROM st_service_daily c WHERE {_WITHIN} GROUP BY 1 ORDER BY 1", district, date_from, date_to)


async def busiest_between(conn: asyncpg.Connection, district: str | None, date_from: date | None,
                          date_to: date | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        f"""SELECT c.station_id, s.name, s.district, s.kind, sum(c.count)::int AS n
              FROM st_service_daily c JOIN st_stations s USING (station_id)
             WHERE {_WITHIN}
             GROUP BY c.station_id, s.name, s.district, s.kind
             ORDER BY n DESC, c.station_id LIMIT $4""", district, date_from, date_to, limit)
