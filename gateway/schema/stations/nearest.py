"""`nearestStations` answered from the open stations held in memory: the public station finder is the
gateway's most frequent anonymous call (benchmark 5b), and a city has a few hundred stations, so each
process keeps them sorted by latitude and searches a bounding box there instead of asking PostgreSQL.

The same answer as the SQL in tables/stations.nearest_stations (the reference it is tested against): open stations
offering the service, inside the box, then within the radius by the haversine distance, nearest first and
ties by id. Fresh: the stations read model changes only when the gateway's stations projection commits a
batch; this process's runner counts its batches, so a change applied here is seen by the next request
(read-your-writes holds after minPosition or `caught_up`). A change applied by another replica's runner (they
share the consumer group) is noticed by the projection's checkpoints, read at most every RECHECK seconds.
"""
from __future__ import annotations

import asyncio
import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from ...tables.stations import EARTH_RADIUS_KM
from .types import Station, to_station

PROJECTION = "gateway.stations"  # gateway/projections/stations.py: the owner of st_stations
RECHECK = timedelta(seconds=1)
GENERATION = ("SELECT count(*), coalesce(sum(next_offset), 0), max(updated_at) FROM projection_checkpoints "
              "WHERE projection = $1")
OPEN_STATIONS = "SELECT * FROM st_stations WHERE status = 'OPEN' ORDER BY lat, station_id"


@dataclass(frozen=True)
class Place:
    lat: float
    lon: float
    cos_lat: float
    station_id: str
    services: frozenset[str]
    row: Any  # the st_stations row, made into a Station only when it is in an answer


class Stations:
    """The open stations of one read-model state, sorted by latitude."""

    def __init__(self, rows: list[Any]):
        self.places = sorted((Place(r["lat"], r["lon"], math.cos(math.radians(r["lat"])), r["station_id"],
                                    frozenset(r["services"]), r) for r in rows), key=lambda p: p.lat)
        self.lats = [p.lat for p in self.places]

    def nearest(self, lat: float, lon: float, service: str | None, limit: int, radius_km: float) -> list[Station]:
        dlat = radius_km / 111.32
        dlon = radius_km / (111.32 * max(0.1, math.cos(math.radians(lat))))
        cos_lat = math.cos(math.radians(lat))
        found = []
        for p in self.places[bisect_left(self.lats, lat - dlat):bisect_right(self.lats, lat + dlat)]:
            if not lon - dlon <= p.lon <= lon + dlon or (service is not None and service not in p.services):
                continue
            # term for term as the SQL computes it, so both give the same kilometres
            a = (math.sin(math.radians(p.lat - lat) / 2) ** 2
                 + cos_lat * p.cos_lat * math.sin(math.radians(p.lon - lon) / 2) ** 2)
            km = 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(a))
            if km <= radius_km:
                found.append((km, p.station_id, p))
        found.sort(key=lambda f: (f[0], f[1]))
        return [to_station(p.row, round(km, 3)) for km, _, p in found[:limit]]


class StationIndex:
    """This process's Stations, reloaded when the read model has moved."""

    def __init__(self) -> None:
        self.stations: Stations | None = None
        self.batches = -1  # the local runner's batch count when last checked
        self.generation: Any = None
        self.checked_at: datetime | None = None
        self._lock = asyncio.Lock()

    def _fresh(self, batches: int, now: datetime) -> bool:
        return (self.stations is not None and batches == self.batches and self.checked_at is not None
                and now - self.checked_at < RECHECK)

    async def current(self, runtime: Any) -> Stations:
        runner = runtime.projections.get(PROJECTION)
        batches = runner.batches if runner is not None else 0
        now = runtime.deps.clock.now()
        if self._fresh(batches, now):
            assert self.stations is not None
            return self.stations
        async with self._lock:
            if not self._fresh(batches, now):
                await self._check(runtime, batches, now)
        assert self.stations is not None
        return self.stations

    async def _check(self, runtime: Any, batches: int, now: datetime) -> None:
        # One snapshot for the generation and the rows, so the rows are those of the generation recorded.
        async with runtime.pool.acquire() as conn, conn.transaction(isolation="repeatable_read", readonly=True):
            generation = tuple(await conn.fetchrow(GENERATION, PROJECTION))
            if generation != self.generation or self.stations is None:
                self.stations = Stations(await conn.fetch(OPEN_STATIONS))
                self.generation = generation
        self.batches, self.checked_at = batches, now
