"""A topic as a contract: its name, the one principal that writes it, who else reads it, and the event
types it carries (the Kafka ACLs follow from owner and readers)."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    name: str  # without the namespace prefix (chassis.settings.Settings.topic adds it)
    owner: str  # the only service (or agency principal, `agency-<code>`) that may write it
    types: frozenset[str]  # every event type its owner declares; nothing else may appear on it
    readers: frozenset[str] = frozenset()  # principals besides the services' projections that read it


def types_of(namespace: type) -> frozenset[str]:
    """The event type names declared as class attributes of `namespace` (a class used as a namespace)."""
    return frozenset(v for k, v in vars(namespace).items() if k.isupper() and isinstance(v, str))
