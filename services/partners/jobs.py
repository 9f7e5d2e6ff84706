"""Scheduled work of the partner publisher: releasing each agency's held messages on its own schedule
(release.py)."""
from __future__ import annotations

from chassis.scheduler import Job

from .deps import Runtime
from .projections import partner_stores
from .release import Releases


def jobs(rt: Runtime) -> list[Job]:
    every, jitter = rt.settings.partners_release
    releases = Releases(rt.pool, partner_stores(rt.deps.agreements, rt.settings.topic), rt.deps.clock, every, jitter)
    # Looked at a few times per period, so a release is late by a fraction of the period at most.
    return [Job("partners.release", max(0.2, min(5.0, every / 4)), releases.run)]
