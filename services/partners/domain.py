"""What a partner agency may receive: pure rules, no IO.

Given an agreement, the consent view of one person and one internal registry event, `react` answers
the partner messages to publish and the person's next view. The rules:
- only agencies whose consent purpose (`SHARE_WITH_AGENCY:<agency>`) the person has given, while the
  person is registered, active and not erased;
- only the message types the agreement names, and in them only the fields it allows (a field that is
  not in the agreement never leaves, whatever the internal event carries);
- the subject is a pseudonym per agency (HMAC of the youth id under the agency's own key), so two
  agencies cannot join their data, and the internal youth id never leaves;
- consent withdrawn (or registration deactivated) → that agency gets `consent-withdrawn` once, then
  nothing until consent is given again; erased → every agency that ever received the person gets
  `erased`, then nothing, ever.
Every data message carries the person's full allowed profile (a snapshot), so a compacted partner
topic still gives a consistent picture when an agency re-reads it from the beginning.
"""
from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

AGENCIES = {"HRSS": "人力社保局", "JUSTICE": "司法局", "UNION": "总工会", "WOMEN": "妇联", "GOVSERVICE": "政务服务局"}

REGISTERED = "xq.partner.youth.registered.v1"
PROFILE_UPDATED = "xq.partner.youth.profile-updated.v1"
CONSENT_WITHDRAWN = "xq.partner.youth.consent-withdrawn.v1"
ERASED = "xq.partner.youth.erased.v1"

# The fields an agreement may grant, per data message type (the closed JSON Schemas in
# deploy/contracts/schemas/ list exactly these, plus `subject_id`). Personal fields (name, mobile,
# ID number, birth date) and the internal youth id are not shareable at all.
SHAREABLE: dict[str, frozenset[str]] = {
    REGISTERED: frozenset({"district", "youth_type", "subtype", "is_minor", "age_band", "registered_on",
                           "employer_kind"}),
    PROFILE_UPDATED: frozenset({"district", "youth_type", "subtype", "is_minor", "age_band", "employer_kind"}),
}
# Sent to every agency that received a person, whatever its agreement says: it must stop using and
# delete what it holds (PIPL art. 47). They carry the pseudonym and a date only.
ENDINGS = (CONSENT_WITHDRAWN, ERASED)
PARTNER_TYPES = (*SHAREABLE, *ENDINGS)

# The internal (registry) event types the publisher reads; the contract is in HELPER-BRIEF / README.
R = "xq.registry.youth."
R_REGISTERED, R_PROFILE_UPDATED = R + "registered.v1", R + "profile-updated.v1"
R_CONSENT_GIVEN, R_CONSENT_WITHDRAWN = R + "consent-given.v1", R + "consent-withdrawn.v1"
R_DEACTIVATED, R_MERGED, R_ERASED = R + "deactivated.v1", R + "merged.v1", R + "erased.v1"
# Public attributes of a person that the view keeps (a superset of everything shareable).
PROFILE_FIELDS = frozenset().union(*SHAREABLE.values())


def consent_purpose(agency: str) -> str:
    return f"SHARE_WITH_AGENCY:{agency}"


@dataclass(frozen=True)
class Agreement:
    """One data-sharing agreement (deploy/contracts/agreements/<agency>.yaml, validated by agreements.py)."""

    agency: str
    name: str
    purpose: str
    events: Mapping[str, frozenset[str]]  # partner message type -> fields allowed
    domain: str = "youth"

    @property
    def consent_purpose(self) -> str:
        return consent_purpose(self.agency)

    def topic(self) -> str:
        return f"partner.{self.agency.lower()}.{self.domain}"


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


class Pseudonymiser:
    """subject = HMAC-SHA256(agency key, youth id); agency key = HMAC-SHA256(secret, agency).

    One secret in settings gives every agency its own key, so an agency's ids reveal nothing about
    another's. Rotating the secret re-keys every agency (its topic must then be rebuilt)."""

    def __init__(self, secret: bytes):
        if len(secret) < 32:
            raise ValueError("the partner pseudonym secret must have at least 32 bytes")
        self._secret = secret
        self._keys: dict[str, bytes] = {}

    def key(self, agency: str) -> bytes:
        if agency not in self._keys:
            self._keys[agency] = hmac.new(self._secret, b"xinqing/partner-subject/v1/" + agency.encode(),
                                          hashlib.sha256).digest()
        return self._keys[agency]

    def subject(self, agency: str, youth_id: str) -> str:
        digest = hmac.new(self.key(agency), youth_id.encode(), hashlib.sha256).hexdigest()
        return f"{agency.lower()}-{digest[:40]}"


def evolve(person: Person, event_type: str, data: Mapping[str, Any]) -> Person:
    """The person's view after one internal event (what consent and attributes now are)."""
    if person.erased:
        return person
    if event_type == R_REGISTERED:
        return replace(person, registered=True, active=True, consents=frozenset(data.get("consents") or ()),
                       profile=_public(data))
    if event_type == R_PROFILE_UPDATED:
        changed = {k: v for k, v in data.items() if k in PROFILE_FIELDS and k in (data.get("changed") or ())}
        return replace(person, profile={**person.profile, **changed})
    if event_type == R_CONSENT_GIVEN:
        return replace(person, consents=person.consents | {data["purpose"]})
    if event_type == R_CONSENT_WITHDRAWN:
        return replace(person, consents=person.consents - {data["purpose"]})
    if event_type in (R_DEACTIVATED, R_MERGED):
        # A merged record disappears into the surviving one: like a deactivation, its agencies are
        # told to stop using this pseudonym (the survivor is shared under its own).
        return replace(person, active=False)
    if event_type == R_ERASED:
        return Person(youth_id=person.youth_id, erased=True)
    return person


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
        if event_type == R_ERASED:
            if agency in shared_with:
                messages.append(PartnerMessage(agency, ERASED, subject, {"subject_id": subject,
                                                                        "erased_on": _day(data.get("erased_on"), on)}))
            continue
        before_ok, after_ok = person.shares_with(agreement), after.shares_with(agreement)
        if before_ok and not after_ok:
            if agency in shared_with:
                withdrawn_on = _day(data.get("withdrawn_on"), on)
                messages.append(PartnerMessage(agency, CONSENT_WITHDRAWN, subject,
                                               {"subject_id": subject, "withdrawn_on": withdrawn_on}))
                shared_with.discard(agency)
            continue
        if not after_ok:
            continue
        if not before_ok and REGISTERED in agreement.events:
            messages.append(_snapshot(agreement, REGISTERED, subject, after.profile))
            shared_with.add(agency)
        elif before_ok and event_type == R_PROFILE_UPDATED and PROFILE_UPDATED in agreement.events:
            allowed = agreement.events[PROFILE_UPDATED]
            changed = sorted(set(data.get("changed") or ()) & allowed)
            if changed:
                message = _snapshot(agreement, PROFILE_UPDATED, subject, after.profile)
                message.data["changed"] = changed
                messages.append(message)
                shared_with.add(agency)
    if event_type == R_ERASED:
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
