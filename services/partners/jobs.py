"""Scheduled work of the partner publisher: none (it acts only on the registry's events)."""
from __future__ import annotations

from chassis.scheduler import Job

from .deps import Runtime


def jobs(rt: Runtime) -> list[Job]:
    return []
