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
    """The event type names declared as class attributes of `namespace` (a class used as a namespace), and of
    the namespaces it extends (two aggregates' types on one topic)."""
    return frozenset(v for cls in namespace.__mro__ for k, v in vars(cls).items() if k.isupper() and isinstance(v, str))


def published(owner: str, readers: frozenset[str], *namespaces: type) -> tuple[Topic, ...]:
    """A service's topics, one per namespace of event types, in order. A topic is named by what its types
    share (`xq.stations.case.opened.v1` → `xq.stations.case`), so a type can never sit on another topic."""
    return tuple(Topic(_topic_name(types_of(ns)), owner, types_of(ns), readers) for ns in namespaces)


def _topic_name(types: frozenset[str]) -> str:
    names = {t.rsplit(".", 2)[0] for t in types}  # minus `<event>.v<n>`
    if len(names) != 1:
        raise ValueError(f"event types of one topic name different topics: {sorted(names)}")
    return names.pop()
