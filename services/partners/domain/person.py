"""The publisher's consent view of one person, how registry events change it, and the partner messages
each change calls for (the rules are listed in the package's docstring)."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from contracts.partners import PartnerYouthMessages as Messages
from contracts.registry import YouthEvents

from .agreement import SHAREABLE, Agreement
from .pseudonyms import Pseudonymiser

# Public attributes of a person that the view keeps (a superset of everything shareable).
PROFILE_FIELDS = frozenset().union(*SHAREABLE.values())


@dataclass(frozen=True)
class Person:
    """The publisher's consent view of one person: pseudonymous (youth id, public attributes, purposes)."""

    youth_id: str
    registered: bool = False
    active: bool = True
    erased: bool = False
    consents: frozenset[str] = frozenset()
    profile: Mapping[str, Any] = field(default_factory=dict)
    shared_with: frozenset[str] = frozenset()  # agencies that received data on this person and were not yet told to stop

    def shares_with(self, agreement: Agreement) -> bool:
        return self.registered and self.active and not self.erased and agreement.consent_purpose in self.consents


@dataclass(frozen=True)
class PartnerMessage:
    agency: str
    type: str
    subject: str  # the agency's pseudonym of the person: CloudEvents subject and Kafka key
    data: dict[str, Any]


def _registered(person: Person, data: Mapping[str, Any]) -> Person:
    return replace(person, registered=True, active=True, consents=frozenset(data.get("consents") or ()),
                   profile=_public(data))


def _profile_updated(person: Person, data: Mapping[str, Any]) -> Person:
    changed = {k: v for k, v in data.items() if k in PROFILE_FIELDS and k in (data.get("changed") or ())}
    return replace(person, profile={**person.profile, **changed})


def _inactive(person: Person, data: Mapping[str, Any]) -> Person:
    # A merged record disappears into the surviving one: like a deactivation, its agencies are
    # told to stop using this pseudonym (the survivor is shared under its own).
    return replace(person, active=False)


# How each registry event the publisher follows changes the view; the other types leave it as it is.
CHANGES: dict[str, Callable[[Person, Mapping[str, Any]], Person]] = {
    YouthEvents.REGISTERED: _registered,
    YouthEvents.PROFILE_UPDATED: _profile_updated,
    YouthEvents.CONSENT_GIVEN: lambda person, data: replace(person, consents=person.consents | {data["purpose"]}),
    YouthEvents.CONSENT_WITHDRAWN: lambda person, data: replace(person, consents=person.consents - {data["purpose"]}),
    YouthEvents.DEACTIVATED: _inactive,
    YouthEvents.REACTIVATED: lambda person, data: replace(person, active=True),
    YouthEvents.MERGED: _inactive,
    YouthEvents.ERASED: lambda person, data: Person(youth_id=person.youth_id, erased=True),
}
FOLLOWED = frozenset(CHANGES)  # the registry event types the publisher reads


def evolve(person: Person, event_type: str, data: Mapping[str, Any]) -> Person:
    """The person's view after one internal event (what consent and attributes now are)."""
    change = CHANGES.get(event_type)
    if person.erased or change is None:
        return person
    return change(person, data)


def react(agreements: Iterable[Agreement], pseudonyms: Pseudonymiser, person: Person, event_type: str,
          data: Mapping[str, Any], on: date) -> tuple[Person, list[PartnerMessage]]:
    """Given the view of a person and one internal event: (next view, partner messages, in order)."""
    if person.erased:
        return person, []  # nothing more, ever
    after = evolve(person, event_type, data)
    messages: list[PartnerMessage] = []
    shared_with = set(person.shared_with)
    for agreement in agreements:
        agency = agreement.agency
        subject = pseudonyms.subject(agency, person.youth_id)
        if event_type == YouthEvents.ERASED:
            if agency in shared_with:
                messages.append(PartnerMessage(agency, Messages.ERASED, subject,
                                               {"subject_id": subject, "erased_on": _day(data.get("erased_on"), on)}))
            continue
        before_ok, after_ok = person.shares_with(agreement), after.shares_with(agreement)
        if before_ok and not after_ok:
            if agency in shared_with:
                withdrawn_on = _day(data.get("withdrawn_on"), on)
                messages.append(PartnerMessage(agency, Messages.CONSENT_WITHDRAWN, subject,
                                               {"subject_id": subject, "withdrawn_on": withdrawn_on}))
                shared_with.discard(agency)
            continue
        if not after_ok:
            continue
        if not before_ok and Messages.REGISTERED in agreement.events:
            messages.append(_snapshot(agreement, Messages.REGISTERED, subject, after.profile))
            shared_with.add(agency)
        elif before_ok and event_type == YouthEvents.PROFILE_UPDATED and Messages.PROFILE_UPDATED in agreement.events:
            allowed = agreement.events[Messages.PROFILE_UPDATED]
            changed = sorted(set(data.get("changed") or ()) & allowed)
            if changed:
                message = _snapshot(agreement, Messages.PROFILE_UPDATED, subject, after.profile)
                message.data["changed"] = changed
                messages.append(message)
                shared_with.add(agency)
    if event_type == YouthEvents.ERASED:
        return after, messages
    return replace(after, shared_with=frozenset(shared_with)), messages


def _snapshot(agreement: Agreement, message_type: str, subject: str, profile: Mapping[str, Any]) -> PartnerMessage:
    allowed = agreement.events[message_type]
    data = {"subject_id": subject, **{k: v for k, v in sorted(profile.items()) if k in allowed and v is not None}}
    return PartnerMessage(agreement.agency, message_type, subject, data)


def _public(data: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k in PROFILE_FIELDS}


def _day(value: Any, fallback: date) -> str:
    return str(value) if value else fallback.isoformat()
