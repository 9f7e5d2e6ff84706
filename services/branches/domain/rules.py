"""Small value rules shared by the branches aggregates."""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from enum import StrEnum
from typing import Any

from chassis import checks
from chassis.errors import Collector
from chassis.reference import DEPARTMENTS
from chassis.text import is_multiline, text_fault

NAME_MAX = 60


def check_name(errors: Collector, field: str, raw: str) -> str:
    """A unit's name (a branch, an organisation): the chassis text rule and at most NAME_MAX characters."""
    checks.text(errors, raw, field, "名称", NAME_MAX)
    return (raw or "").strip()


def check_district(errors: Collector, field: str, district: str) -> None:
    checks.district(errors, district, field)


Check = Callable[[Collector, str, Any], object]  # adds the field's faults to the collector


def one_of(allowed: type[StrEnum], label: str) -> Check:
    """`chassis.checks.one_of` as a check of a validation table: the message names the field in Chinese
    (`label`, e.g. 团支部类型) and lists the allowed values."""
    def check(errors: Collector, field: str, value: str) -> None:
        checks.one_of(errors, field, value, allowed, label)
    return check


def unit_checks(kinds: type[StrEnum], label: str) -> dict[str, Check]:
    """The checks of a unit a district keeps (a branch, a contacted organisation), field → check in the
    order the form shows them: its name, its kind (one of `kinds`, named `label`) and its district."""
    return {"name": check_name, "kind": one_of(kinds, label), "district": check_district}


def unit_validation(kinds: type[StrEnum], label: str) -> Callable[[object], None]:
    """The validation of the command that first records such a unit (`unit_checks` of `kinds`, named
    `label`): `decide` calls it, and so does the API before it opens a transaction, so bad input costs
    no database work."""
    table = unit_checks(kinds, label)

    def validate_unit(command: object) -> None:
        validate(command, table)
    return validate_unit


def validate(command: object, checks: Mapping[str, Check]) -> None:
    """Validation as data: each field of `command` named in `checks` (field → check, in the order the
    form shows them) is checked, and every fault is reported at once."""
    errors = Collector()
    for field, check in checks.items():
        check(errors, field, getattr(command, field))
    errors.raise_if_any()


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


TEXT_MAX = 500
LINKS_MAX = 10
LINK_MAX = 500


def check_text(errors: Collector, field: str, raw: str | None, limit: int = TEXT_MAX, *,
               required: bool = True) -> str:
    """Free text of the joint meeting's records: trimmed, the chassis rule (not blank when required; no
    control characters — a pasted form feed or escape sequence is refused rather than stored; line breaks
    only in multi-line fields such as notes and decision texts), at most `limit`."""
    text = (raw or "").strip()
    if not text and not required:
        return text
    if fault := text_fault(raw or "", multiline=is_multiline(field)):
        errors.add(field, fault.message, fault.rule)
    elif len(text) > limit:
        errors.add(field, f"不能超过 {limit} 个字符", "too_long")
    return text


def check_links(errors: Collector, field: str, links: tuple[str, ...]) -> list[str]:
    """Evidence links: http(s) addresses (a document, a news item, a photo album), a few at most."""
    if len(links) > LINKS_MAX:
        errors.add(field, f"佐证链接不能超过 {LINKS_MAX} 个", "too_long")
    cleaned = [link.strip() for link in links]
    if any(not (link.startswith(("https://", "http://")) and 10 < len(link) <= LINK_MAX and " " not in link
                and text_fault(link) is None) for link in cleaned):
        errors.add(field, f"佐证链接应为 http(s):// 开头、不超过 {LINK_MAX} 个字符的网址", "format")
    return cleaned


def check_department(errors: Collector, field: str, code: str) -> None:
    if code not in DEPARTMENTS:
        errors.add(field, f"未登记的成员单位代码 {code}（见 chassis/departments.yaml）", "department")
