"""Rules every stations aggregate shares: Beijing time (chassis.clock's), Beijing's bounding box, district codes."""
from __future__ import annotations

from datetime import datetime

from chassis.clock import BEIJING
from chassis.errors import Collector
from chassis.reference import DISTRICTS
from chassis.text import is_multiline, text_fault

# Beijing municipality's bounding box: a point outside it is a typo (swapped lat/lon, wrong sign…).
LAT_MIN, LAT_MAX = 39.44, 41.06
LON_MIN, LON_MAX = 115.42, 117.51


def check_point(errors: Collector, lat: float | None, lon: float | None, *, lat_field: str = "lat",
                lon_field: str = "lon") -> None:
    if lat is None or not LAT_MIN <= lat <= LAT_MAX:
        errors.add(lat_field, f"纬度应在北京市范围内（{LAT_MIN}–{LAT_MAX}）", "beijing_bounds")
    if lon is None or not LON_MIN <= lon <= LON_MAX:
        errors.add(lon_field, f"经度应在北京市范围内（{LON_MIN}–{LON_MAX}）", "beijing_bounds")


def check_district(errors: Collector, district: str, field: str = "district") -> None:
    if district not in DISTRICTS:
        errors.add(field, "区县代码无效：应为北京市 16 个区之一的 GB/T 2260 代码（如朝阳区 110105）", "enum")


def check_text(errors: Collector, value: str | None, field: str, label: str, max_len: int = 100) -> None:
    """Required text: the chassis rule (not blank, no control characters; line breaks only in multi-line
    fields), then this field's length. Commands come from feeds and jobs too, not only through ApiModel."""
    if fault := text_fault(value or "", multiline=is_multiline(field)):
        errors.add(field, f"{label}{fault.message}", fault.rule)
    elif len((value or "").strip()) > max_len:
        errors.add(field, f"{label}不能超过 {max_len} 个字符", "too_long")


def aware(moment: datetime, field: str, errors: Collector) -> bool:
    if moment.tzinfo is None:
        errors.add(field, "时间须带时区（如 2026-01-31T23:30:00+08:00）", "timezone")
        return False
    return True


def beijing_month(moment: datetime) -> str:
    """The month in Beijing of an instant, as YYYY-MM (how the monthly figures are keyed)."""
    return moment.astimezone(BEIJING).strftime("%Y-%m")
