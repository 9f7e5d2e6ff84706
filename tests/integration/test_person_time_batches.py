"""Person-times set-based (`Dispatch.apply_runs` with the stations projections' batch handlers) give exactly
the read model of `apply`, one event at a time: person-times of several stations, services, districts,
months and days, registered and anonymous, interleaved with other stations events (so runs are cut), applied
both ways on real databases, and every counter table compared."""
from __future__ import annotations

from chassis.envelope import Envelope
from contracts.stations import ActivityEvents, ServiceEvents, StationEvents
from gateway.projections.stations import StationsProjection
from gateway.projections.stations_daily import StationsDailyProjection
from tests.integration.projection_replay import Streams, applied_three_ways, replay_pools

TABLES = {"st_service_counts": "station_id, service_type, month", "st_pt_district": "district, service_type, month",
          "st_pt_station": "station_id, month", "st_service_daily": "day, station_id, service_type",
          "st_stations": "station_id", "st_events": "event_id", "projection_streams": "projection, stream_id"}
pools = replay_pools("pt")


class StationStreams(Streams):
    def __init__(self):
        super().__init__("/xinqing/stations")

    def person_time(self, station: str, district: str, day: str, service: str = "REST", registered: bool = True):
        self(f"visits-{station}-{day.replace('-', '')}", ServiceEvents.DELIVERED, station_id=station,
             service_type=service, delivered_on=day, district=district, station_kind="RIDER_REFUEL",
             registered=registered)


def mixed_day() -> list[Envelope]:
    s = StationStreams()
    s("station-a", StationEvents.CREATED, station_id="a", kind="RIDER_REFUEL", name="驿站甲", district="110105",
      address="朝阳区测试路1号", lat=39.9, lon=116.4, operator="LEAGUE", opening_hours="09:00-21:00",
      services=["REST", "LEGAL"])
    for i in range(6):  # one station's batch: one key, and anonymous ones among them
        s.person_time("a", "110105", "2026-11-30", registered=i % 3 != 0)
    s.person_time("a", "110105", "2026-12-01", service="LEGAL")  # the next month, another service
    s.person_time("b", "110108", "2026-12-01")                   # another station and district
    s("event-e", ActivityEvents.SCHEDULED, event_id="e", kind="TALK", title="讲座", district="110105",
      starts_at="2026-12-01T10:00:00+08:00", capacity=30, station_id="a")  # cuts the run
    for day in ("2026-12-01", "2026-12-02", "2026-12-02"):
        s.person_time("b", "110108", day, registered=False)
    s("station-a", StationEvents.STATUS_CHANGED, station_id="a", status="CLOSED")
    for _ in range(9):
        s.person_time("a", "110105", "2026-12-02", service="LEGAL")
    return s.events


async def test_person_times_set_based_build_exactly_the_counters_of_one_event_at_a_time(pools, settings):
    events = mixed_day()
    projections = [StationsProjection(settings), StationsDailyProjection(settings)]
    # runs cut by batches too
    expected = await applied_three_ways(pools, projections, events, [3, 8, 1, 5, len(events) - 17], TABLES)

    # ...and those counters are the right ones, not merely the same three times
    counts = {(r["station_id"], r["service_type"], r["month"]): (r["count"], r["registered"])
              for r in expected["st_service_counts"]}
    assert counts == {("a", "REST", "2026-11"): (6, 4), ("a", "LEGAL", "2026-12"): (10, 10),
                      ("b", "REST", "2026-12"): (4, 1)}
    district = {(r["district"], r["month"]): r["count"] for r in expected["st_pt_district"]}
    assert district == {("110105", "2026-11"): 6, ("110105", "2026-12"): 10, ("110108", "2026-12"): 4}
    daily = {(str(r["day"]), r["station_id"]): r["count"] for r in expected["st_service_daily"]}
    assert daily == {("2026-11-30", "a"): 6, ("2026-12-01", "a"): 1, ("2026-12-01", "b"): 2,
                     ("2026-12-02", "a"): 9, ("2026-12-02", "b"): 2}
    assert [r["status"] for r in expected["st_stations"]] == ["CLOSED"]
