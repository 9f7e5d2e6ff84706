"""The gateway's read models, one module per domain: projections from Kafka and their queries.

Only pseudonymous ids and public attributes are stored here; personal fields are fetched from the
registry on demand and never kept.
"""
from __future__ import annotations

from chassis.settings import Settings

from .branches import BranchesProjection
from .stations import StationsProjection
from .stations_daily import StationsDailyProjection
from .youth import YouthProjection
from .youth_daily import YouthDailyProjection


def projections(settings: Settings) -> list:
    """Every projection the gateway runs (each is its own consumer group)."""
    return [YouthProjection(settings), YouthDailyProjection(settings), BranchesProjection(settings),
            StationsProjection(settings), StationsDailyProjection(settings)]
