"""Person-times per Beijing day (station × service type × day): the dashboard's date range over the
stations' figures. The monthly counters (projections/stations.py) answer month and all-time questions;
this table answers any range of days. Its own projection (own consumer group), so it fills itself from
the topic's beginning when first deployed and can be rebuilt without touching the others."""
from __future__ import annotations

import asyncpg

from chassis.envelope import Envelope
from contracts.stations import SERVICE, ServiceEvents

from .reading import Reading


async def _delivered(conn: asyncpg.Connection, e: Envelope) -> None:
    d = e.data
    await conn.execute(
        """INSERT INTO st_service_daily (station_id, service_type, day, district, station_kind, count, registered)
           VALUES ($1, $2, $3::text::date, $4, $5, 1, $6)
           ON CONFLICT (day, station_id, service_type) DO UPDATE
           SET count = st_service_daily.count + 1, registered = st_service_daily.registered + $6""",
        d["station_id"], d["service_type"], d["delivered_on"], d["district"], d["station_kind"],
        int(d["registered"]))


class StationsDailyProjection(Reading, name="gateway.stations_daily", reads=(SERVICE,), streams=("visits-",),
                              tables=("st_service_daily",)):
    """Person-times per station, service type and Beijing day."""
    handlers = {ServiceEvents.DELIVERED: _delivered}

