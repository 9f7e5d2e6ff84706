"""The one clock of the stack: instants in UTC, calendar days in Beijing.

Every service receives a `Clock` in its dependencies and asks it for the time; deciders never do (the
time comes in on the command). Tests replace a service's clock with `Clock.fixed(...)` or
`Clock.shifted(...)` to reach a deadline, an expiry or a later month without waiting.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")  # every "day", "month" and "quarter" of the domain is Beijing's


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass(frozen=True)
class Clock:
    source: Callable[[], datetime] = utc_now

    def now(self) -> datetime:
        """This instant, timezone-aware (UTC)."""
        return self.source()

    def today(self) -> date:
        """Today's date in Beijing."""
        return self.now().astimezone(BEIJING).date()

    @classmethod
    def fixed(cls, instant: datetime) -> Clock:
        """A clock that always reads `instant` (which must be timezone-aware)."""
        if instant.tzinfo is None:
            raise ValueError("a fixed clock needs a timezone-aware instant")
        return cls(lambda: instant)

    @classmethod
    def shifted(cls, by: timedelta) -> Clock:
        """The real clock, `by` ahead (or behind)."""
        return cls(lambda: utc_now() + by)


def beijing_date(instant: datetime) -> date:
    """The calendar day in Beijing on which `instant` falls."""
    return instant.astimezone(BEIJING).date()


def beijing_week(instant: datetime) -> str:
    """The ISO week in Beijing in which `instant` falls, as YYYY-Www (Monday to Sunday, Beijing time): how
    weekly figures such as the 12345 hot topics are keyed."""
    year, week, _ = instant.astimezone(BEIJING).isocalendar()
    return f"{year}-W{week:02d}"


def weeks_before(week: str, n: int) -> list[str]:
    """The `n` ISO weeks before `week` (YYYY-Www), nearest first."""
    monday = date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
    out = []
    for i in range(1, n + 1):
        year, number, _ = (monday - timedelta(weeks=i)).isocalendar()
        out.append(f"{year}-W{number:02d}")
    return out


def week_start(week: str) -> date:
    """The Monday (Beijing date) of ISO week `week` (YYYY-Www)."""
    return date.fromisocalendar(int(week[:4]), int(week[6:]), 1)
