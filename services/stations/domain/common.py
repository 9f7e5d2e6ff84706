"""Rules every stations aggregate shares: Beijing time (chassis.clock's), Beijing's bounding box, the overdue
job's command. Field checks shared with other services (text, district, one of a list) are chassis.checks."""
from __future__ import annotations

from datetime import datetime

from chassis.clock import BEIJING
from chassis.decider import Command
from chassis.errors import Collector

# Beijing municipality's bounding box: a point outside it is a typo (swapped lat/lon, wrong sign…).
LAT_MIN, LAT_MAX = 39.44, 41.06
LON_MIN, LON_MAX = 115.42, 117.51


def check_point(errors: Collector, lat: float | None, lon: float | None, *, lat_field: str = "lat",
                lon_field: str = "lon") -> None:
    if lat is None or not LAT_MIN <= lat <= LAT_MAX:
        errors.add(lat_field, f"纬度应在北京市范围内（{LAT_MIN}–{LAT_MAX}）", "beijing_bounds")
    if lon is None or not LON_MIN <= lon <= LON_MAX:
        errors.add(lon_field, f"经度应在北京市范围内（{LON_MIN}–{LON_MAX}）", "beijing_bounds")


def aware(moment: datetime, field: str, errors: Collector) -> bool:
    if moment.tzinfo is None:
        errors.add(field, "时间须带时区（如 2026-01-31T23:30:00+08:00）", "timezone")
        return False
    return True


def beijing_month(moment: datetime) -> str:
    """The month in Beijing of an instant, as YYYY-MM (how the monthly figures are keyed)."""
    return moment.astimezone(BEIJING).strftime("%Y-%m")


class Step(Command):
    """A command that says nothing but when the step was taken (checked against the aggregate's own times)."""
    at: datetime


class MarkOverdue(Command):
    """The overdue job's question to an aggregate with deadlines (appeal, case, governance item): record, once
    each, the deadlines passed by `now`; nothing when none is."""
    now: datetime
