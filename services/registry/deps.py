"""What the registry's routes and jobs are given: its event store, the key vault and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request

from chassis import service
from chassis.clock import Clock
from chassis.eventstore import EventStore
from chassis.vault import Vault


@dataclass
class RegistryDeps:
    store: EventStore
    vault: Vault
    clock: Clock = field(default_factory=Clock)


Runtime = service.Runtime[RegistryDeps]


def runtime(request: Request) -> Runtime:
    return request.app.state.runtime
