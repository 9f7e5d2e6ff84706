"""What the stations routes share: who may run their commands."""
from __future__ import annotations

STAFF = ("admin", "station_staff")
