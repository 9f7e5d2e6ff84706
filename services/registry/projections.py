"""What the registry consumes from Kafka: nothing. It is the source of the people; other services read it."""
from __future__ import annotations

from chassis.projection import Projection

from .deps import Runtime


def projections(rt: Runtime) -> list[Projection]:
    return []
