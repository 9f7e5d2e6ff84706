"""What the stations routes share: who may run their commands, and when a step happened."""
from __future__ import annotations

from datetime import datetime

from chassis.errors import FieldError, ValidationFailed

from ..deps import Runtime

STAFF = ("admin", "station_staff")


def moment(rt: Runtime, at: datetime | None) -> datetime:
    """The moment a request names for its step (now by default): with a time zone, never in the future."""
    now = rt.deps.clock.now()
    at = at or now
    if at.tzinfo is None or at > now:
        raise ValidationFailed([FieldError("at", "时间须带时区，且不能晚于当前时间", "future")])
    return at
