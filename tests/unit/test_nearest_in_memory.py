"""The in-memory station finder (gateway/schema/stations/nearest.py), Given open stations / When a point
asks / Then the nearest within the radius, nearest first, ties by id, offering the service asked for.
Its agreement with the SQL it replaces is tested on PostgreSQL (tests/integration/test_stations.py)."""
from __future__ import annotations

import math
import random

from gateway.schema.stations.nearest import Stations
from gateway.tables.stations import EARTH_RADIUS_KM

HERE = (39.98, 116.31)


def row(station_id: str, lat: float, lon: float, services=("REST",)) -> dict:
    return {"station_id": station_id, "kind": "RIDER_REFUEL", "name": f"站{station_id}", "district": "110108",
            "address": "某路", "lat": lat, "lon": lon, "operator": "LEAGUE", "opening_hours": "全天",
            "services": list(services), "status": "OPEN"}


def km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def test_the_nearest_come_first_within_the_radius_offering_the_service():
    stations = Stations([row("c", 39.9500, 116.3000), row("a", 39.9840, 116.3100),
                         row("b", 39.9750, 116.3220), row("h", 39.9920, 116.3340, services=("HAIRCUT",)),
                         row("far", 40.2000, 116.3100)])
    found = stations.nearest(*HERE, "REST", 10, 5.0)
    assert [s.id for s in found] == ["a", "b", "c"]  # h offers no REST; far is 24 km off
    assert 0.4 < found[0].distance_km < 0.5 and found[0].name == "站a"
    assert [s.id for s in stations.nearest(*HERE, None, 10, 5.0)] == ["a", "b", "h", "c"]
    assert [s.id for s in stations.nearest(*HERE, None, 2, 5.0)] == ["a", "b"]
    assert stations.nearest(*HERE, "LEGAL", 10, 5.0) == []
    assert [s.id for s in stations.nearest(*HERE, None, 10, 30.0)][-1] == "far"


def test_stations_at_the_same_distance_are_ordered_by_id():
    # a quarter degree north and south: the same distance to the last bit (the differences are exact)
    stations = Stations([row("z", 40.25, 116.0), row("m", 39.75, 116.0), row("k", 40.0, 116.5)])
    found = stations.nearest(40.0, 116.0, None, 3, 50.0)
    assert found[0].distance_km == found[1].distance_km and [s.id for s in found[:2]] == ["m", "z"]


def test_every_station_within_the_radius_is_found_as_a_scan_of_all_would_find_it():
    rng = random.Random(7)
    rows = [row(f"s{i:03d}", round(39.9 + rng.uniform(-0.3, 0.3), 5), round(116.4 + rng.uniform(-0.4, 0.4), 5))
            for i in range(400)]
    stations = Stations(rows)
    for _ in range(50):
        point = (39.9 + rng.uniform(-0.3, 0.3), 116.4 + rng.uniform(-0.4, 0.4))
        radius = rng.choice([1.0, 5.0, 10.0, 20.0])
        scan = sorted((km(point, (r["lat"], r["lon"])), r["station_id"]) for r in rows)
        expected = [sid for d, sid in scan if d <= radius][:10]
        assert [s.id for s in stations.nearest(*point, None, 10, radius)] == expected
