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
