"""What the stations' routes and jobs are given: an event store per aggregate, the appeal deadlines
and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from chassis import service
from chassis.clock import Clock
from chassis.eventstore import EventStore

from .config import StationsConfig
from .domain.appeal import Window


@dataclass
class StationsDeps:
    stores: dict[str, EventStore]
    config: StationsConfig
    deadlines: dict[str, tuple[Window, Window]]
    clock: Clock = field(default_factory=Clock)


Runtime = service.Runtime[StationsDeps]


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime
