"""Field checks that several services' deciders share, on top of `chassis.errors.Collector`.

Each check names the field (the API's camelCase name) and the rule, and says in 简体中文 what is allowed,
so every service refuses the same mistake with the same sentence. A check adds to the collector and
returns whether the value passed; the caller raises once, with every field's error together.
"""
from __future__ import annotations

from collections.abc import Collection
from enum import StrEnum
from functools import cache

from .errors import Collector
from .reference import DISTRICTS
from .text import is_multiline, text_fault

DISTRICT_RULE = "区县代码无效：应为北京市 16 个区之一的 GB/T 2260 代码（如朝阳区 110105）"


@cache
def _enum_values(allowed: type[StrEnum]) -> frozenset[str]:
    """An enum's values as a set, built once (listing an enum per check is a visible cost in bulk imports)."""
    return frozenset(allowed)


def choices(allowed: type[StrEnum] | Collection[str]) -> Collection[str]:
    """What `allowed` admits: an enum's values, or a collection's items (a dict's keys)."""
    return _enum_values(allowed) if isinstance(allowed, type) else allowed


def one_of(errors: Collector, field: str, value: str | None, allowed: type[StrEnum] | Collection[str],
           label: str) -> bool:
    """`value` must be one of `allowed` (None passes: an absent optional field): "<label>无效：应为 A、B 之一"."""
    if value is None or value in choices(allowed):
        return True
    errors.add(field, f"{label}无效：应为 {'、'.join(allowed)} 之一", "enum")
    return False


def district(errors: Collector, value: str | None, field: str = "district") -> bool:
    """A Beijing district, by its GB/T 2260 code (chassis.reference.DISTRICTS)."""
    if value in DISTRICTS:
        return True
    errors.add(field, DISTRICT_RULE, "enum")
    return False


def text(errors: Collector, value: str | None, field: str, label: str, max_len: int = 100) -> bool:
    """Required text: the chassis rule (not blank, no control characters; line breaks only in multi-line
    fields), then this field's length. Commands come from feeds and jobs too, not only through ApiModel."""
    if fault := text_fault(value or "", multiline=is_multiline(field)):
        errors.add(field, f"{label}{fault.message}", fault.rule)
        return False
    if len((value or "").strip()) > max_len:
        errors.add(field, f"{label}不能超过 {max_len} 个字符", "too_long")
        return False
    return True


def some_of(errors: Collector, field: str, values: Collection[str], allowed: type[StrEnum] | Collection[str],
            label: str) -> bool:
    """A list of choices: at least one, none twice, each one of `allowed` ("<label>无效：…" as `one_of`)."""
    if not values:
        errors.add(field, f"请至少选择一个{label}", "required")
        return False
    if len(set(values)) != len(values):
        errors.add(field, f"{label}不能重复", "duplicate")
        return False
    return all([one_of(errors, field, value, allowed, label) for value in values])
