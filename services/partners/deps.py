"""What the partner publisher is given: the agreements it publishes under, the pseudonymiser and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field

from chassis import service
from chassis.clock import Clock

from .domain import Agreement, Pseudonymiser


@dataclass
class PartnersDeps:
    agreements: list[Agreement]
    pseudonyms: Pseudonymiser
    clock: Clock = field(default_factory=Clock)


Runtime = service.Runtime[PartnersDeps]
