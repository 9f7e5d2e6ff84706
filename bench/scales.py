"""How big each run is: `tiny` keeps the harness working in CI (< 60 s, numbers meaningless), `full` is
what docs/BENCHMARKS.md reports."""
from __future__ import annotations

from dataclasses import dataclass

from .write_path import WritePathConfig


@dataclass(frozen=True)
class Scale:
    name: str
    write_path: WritePathConfig
    freshness_rates: tuple[float, ...]
    freshness_seconds: float
    rebuild_events: int
    bulk_people: int


SCALES = {
    "tiny": Scale("tiny", WritePathConfig(concurrency=4, saturation_seconds=1, rate_seconds=1, rates=(40,),
                                          pause=0.1),
                  freshness_rates=(20,), freshness_seconds=3, rebuild_events=500, bulk_people=300),
    "full": Scale("full", WritePathConfig(concurrency=8, saturation_seconds=15, rate_seconds=10,
                                          rates=(100, 250, 500, 1000, 2000)),
                  freshness_rates=(100, 500), freshness_seconds=10, rebuild_events=100_000,
                  bulk_people=20_000),
}
