"""A topic as a contract: its name, the one service that writes it, the services that read it, and the event
types it carries. Owner and readers are also the broker's ACLs (xinqing/kafka_acls.py): nobody else may
write it, and a service not among its readers is refused when it subscribes."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str  # without the namespace prefix (chassis.settings.Settings.topic adds it)
    owner: str  # the only service (or agency principal, `agency-<code>`) that may write it
    types: frozenset[str]  # every event type its owner declares; nothing else may appear on it
    # Who reads it: each service whose projections consume it (tests/unit/test_contracts.py), and any other
    # principal by name (e.g. `agency-<code>`); the owner may be such a principal too.
    readers: frozenset[str] = frozenset()


def types_of(namespace: type) -> frozenset[str]:
    """The event type names declared as class attributes of `namespace` (a class used as a namespace)."""
    return frozenset(v for k, v in vars(namespace).items() if k.isupper() and isinstance(v, str))
