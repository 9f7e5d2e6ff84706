"""Person-times per Beijing day (station × service type × day): the dashboard's date range over the
stations' figures. The monthly counters (projections/stations.py) answer month and all-time questions;
this table answers any range of days. Its own projection (own consumer group), so it fills itself from
the topic's beginning when first deployed and can be rebuilt without touching the others."""
from __future__ import annotations

from collections.abc import Callable

import asyncpg

from chassis.dispatch import Dispatch
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


def person_time_sums(events: list[Envelope], period: Callable[[str], str]) -> dict[tuple[str, str, str], list]:
    """A run of person-times summed per (station, service type, `period` of the delivery day): each key's
    [district, station kind, count, registered], the district and kind of its first person-time (as the
    one-by-one upsert keeps them)."""
    counts: dict[tuple[str, str, str], list] = {}
    for e in events:
        d = e.data
        row = counts.setdefault((d["station_id"], d["service_type"], period(d["delivered_on"])),
                                [d["district"], d["station_kind"], 0, 0])
        row[2] += 1
        row[3] += int(d["registered"])
    return counts


async def _delivered_run(conn: asyncpg.Connection, events: list[Envelope]) -> None:
    """`_delivered` for a run of person-times: summed per (day, station, service type), one upsert."""
    counts = person_time_sums(events, lambda day: day)
    keys, rows = list(counts), list(counts.values())
    await conn.execute(
        """INSERT INTO st_service_daily (station_id, service_type, day, district, station_kind, count, registered)
           SELECT s, t, d::date, di, k, n, r
             FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::int[])
                  AS x(s, t, d, di, k, n, r)
           ON CONFLICT (day, station_id, service_type) DO UPDATE
           SET count = st_service_daily.count + EXCLUDED.count,
               registered = st_service_daily.registered + EXCLUDED.registered""",
        [k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys], [r[0] for r in rows], [r[1] for r in rows],
        [r[2] for r in rows], [r[3] for r in rows])


class StationsDailyProjection(Reading, name="gateway.stations_daily", reads=(SERVICE,), streams=("visits-",),
                              tables=("st_service_daily",)):
    """Person-times per station, service type and Beijing day."""
    handlers = {ServiceEvents.DELIVERED: _delivered}
    batch_handlers = {ServiceEvents.DELIVERED: _delivered_run}
    apply_batch = Dispatch.apply_runs

