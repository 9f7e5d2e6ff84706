"""What the branches' routes, projections and jobs are given: an event store per aggregate, the registry's
answer to "who is this young person" and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from chassis import service
from chassis.clock import Clock
from chassis.own_record import OwnRecord

from .commands import Stores


@dataclass
class BranchesDeps:
    stores: Stores
    registry: OwnRecord  # which record a youth token's account is linked to
    clock: Clock = field(default_factory=Clock)


Runtime = service.Runtime[BranchesDeps]


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime
