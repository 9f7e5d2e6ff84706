"""Names that services share, in one place: topics, event types, agency codes, shared enums.

Producers declare here what they write (a test keeps every service's event codecs equal to it);
consumers import the names from here, and a projection that handles a type no producer declares
stops its service at start-up (`require_declared`). Nothing here does IO.
"""
from __future__ import annotations

from collections.abc import Collection, Iterable

from . import branches, partners, registry, stations
from .topic import Topic

TOPICS: dict[str, Topic] = {t.name: t for t in (registry.YOUTH, *branches.TOPICS, *stations.TOPICS,
                                                *partners.REFERRAL_TOPICS)}


class ContractError(RuntimeError):
    """A consumer and the producers' declared contract disagree."""


def declared_types(topics: Iterable[str]) -> frozenset[str]:
    """Every event type the producers declare on `topics` (names without the namespace prefix)."""
    found: set[str] = set()
    for name in topics:
        if name not in TOPICS:
            raise ContractError(f"topic {name} is not declared in contracts/")
        found |= TOPICS[name].types
    return frozenset(found)


def require_reader(service: str, consumer: str, topics: Iterable[str]) -> None:
    """Refuse a consumer of a topic whose contract does not name its service among the readers: the broker's
    ACLs are made from those lists, so it would be refused there, later and less clearly."""
    foreign = sorted(t for t in topics if service not in TOPICS[t].readers)
    if foreign:
        raise ContractError(f"{consumer} reads topics that do not list {service} among their readers in contracts/: "
                            f"{', '.join(foreign)}")


def require_declared(consumer: str, topics: Iterable[str], handled: Collection[str]) -> None:
    """Refuse a consumer that handles an event type its topics' producers do not declare (a misspelled
    or retired type would otherwise be dropped in silence)."""
    unknown = sorted(set(handled) - declared_types(topics))
    if unknown:
        raise ContractError(f"{consumer} handles event types no producer declares on its topics: {', '.join(unknown)}")
