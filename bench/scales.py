"""How big each run is: `tiny` keeps the harness working in CI (< 60 s, numbers meaningless), `full` is
what docs/BENCHMARKS.md reports."""
from __future__ import annotations

from dataclasses import dataclass

from .city_data import CitySize
from .dashboard_live import LiveConfig
from .dashboard_writes import DashboardWritesConfig
from .gateway_queries import GatewayQueriesConfig
from .nearest_stations import NearestStationsConfig
from .replicas import ReplicasConfig
from .write_path import WritePathConfig


@dataclass(frozen=True)
class Scale:
    name: str
    write_path: WritePathConfig
    freshness_rates: tuple[float, ...]
    freshness_seconds: float
    rebuild_events: int
    bulk_people: int
    gateway: GatewayQueriesConfig
    nearest: NearestStationsConfig
    dashboard_writes: DashboardWritesConfig
    dashboard_live: LiveConfig
    replicas: ReplicasConfig


SCALES = {
    "tiny": Scale("tiny", WritePathConfig(concurrency=4, saturation_seconds=1, rate_seconds=1, rates=(40,),
                                          pause=0.1),
                  freshness_rates=(20,), freshness_seconds=3, rebuild_events=500, bulk_people=300,
                  gateway=GatewayQueriesConfig(
                      CitySize(youth=5_000, branches=40, organisations=50, transfers=100, applications=100,
                               stations=60, visits=50_000, programmes=5, enrolments=200, events=50, appeals=500),
                      seconds=1, dashboard_rates=(20,), rate=20, saturation_seconds=1, concurrency=4, idle_seconds=1),
                  nearest=NearestStationsConfig(stations=60, rate=20, rates=(20,), seconds=3, phones=50,
                                                connections=4, saturation_seconds=1, idle_seconds=1),
                  dashboard_writes=DashboardWritesConfig(
                      CitySize(youth=5_000, branches=40, organisations=50, transfers=100, applications=100,
                               stations=60, visits=50_000, programmes=5, enrolments=200, events=50, appeals=500),
                      seconds=2, dashboard_rate=20, registrations=10, memberships=2, batches=2, concurrency=4),
                  dashboard_live=LiveConfig(subscribers=6, seconds=4, sample_every=1),
                  replicas=ReplicasConfig(seconds=2, registrations=2, memberships=1, batches=1, batch_size=5,
                                          people=12, settle_timeout=60)),
    "full": Scale("full", WritePathConfig(concurrency=8, saturation_seconds=15, rate_seconds=10,
                                          rates=(100, 250, 500, 1000, 2000)),
                  freshness_rates=(100, 500), freshness_seconds=10, rebuild_events=100_000,
                  bulk_people=200_000,  # issue 21: large enough to show the rate holds as the tables grow
                  gateway=GatewayQueriesConfig(CitySize(), seconds=10, dashboard_rates=(50, 200, 400), rate=200,
                                               saturation_seconds=10, concurrency=8),
                  nearest=NearestStationsConfig(),
                  dashboard_writes=DashboardWritesConfig(CitySize()),
                  dashboard_live=LiveConfig(),
                  replicas=ReplicasConfig()),
}
