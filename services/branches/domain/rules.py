"""Small value rules shared by the branches aggregates."""
from __future__ import annotations

from datetime import date

from chassis.errors import Collector
from chassis.reference import DISTRICTS

NAME_MAX = 60


def check_name(errors: Collector, field: str, raw: str) -> str:
    name = (raw or "").strip()
    if not name:
        errors.add(field, "名称不能为空", "required")
    elif len(name) > NAME_MAX:
        errors.add(field, f"名称不能超过 {NAME_MAX} 个字符", "too_long")
    return name


def check_district(errors: Collector, field: str, district: str) -> None:
    if district not in DISTRICTS:
        errors.add(field, "区县代码无效：应为北京市 16 个区之一的 GB/T 2260 代码（如朝阳区 110105）", "enum")


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the month's end (31 Nov → 30 Nov)."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for d in (day.day, 30, 29, 28):
        try:
            return date(year, month, d)
        except ValueError:
            continue
    raise AssertionError("unreachable")
