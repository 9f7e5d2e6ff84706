"""Data-sharing agreements: reviewed YAML files in deploy/contracts/agreements/, checked at start-up.

A file that names an unknown agency, message type or field, or asks for a consent purpose other
than the agency's own, stops the publisher with a message naming the file and the problem: sharing
nothing is better than sharing by mistake.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from chassis import referral_terms
from chassis.settings import PROJECT_ROOT
from contracts.agencies import AGENCIES
from contracts.registry import share_with

from .domain import ENDINGS, SHAREABLE, Agreement

AGREEMENTS_DIR = PROJECT_ROOT / "deploy" / "contracts" / "agreements"
KEYS = {"agency", "name", "purpose", "legal_basis", "consent_purpose", "domain", "events", "review", "referrals"}
REQUIRED = {"agency", "name", "purpose", "consent_purpose", "events"}


class AgreementError(RuntimeError):
    """An agreement file is invalid: the publisher refuses to start."""


def parse(source: str, doc: Any) -> Agreement:
    def fail(problem: str) -> AgreementError:
        return AgreementError(f"data-sharing agreement {source}: {problem}")

    if not isinstance(doc, dict):
        raise fail("must be a mapping of agency, name, purpose, consent_purpose, events")
    if unknown := sorted(set(doc) - KEYS):
        raise fail(f"unknown key(s) {unknown}; allowed: {sorted(KEYS)}")
    if missing := sorted(REQUIRED - set(doc)):
        raise fail(f"missing key(s) {missing}")
    agency = doc["agency"]
    if agency not in AGENCIES:
        raise fail(f"unknown agency {agency!r}; known: {sorted(AGENCIES)}")
    if doc["consent_purpose"] != share_with(agency):
        raise fail(f"consent_purpose must be {share_with(agency)!r} (the person's consent to share with "
                   f"this agency), not {doc['consent_purpose']!r}")
    if doc.get("domain", "youth") != "youth":
        raise fail(f"unknown domain {doc['domain']!r}; known: ['youth']")
    events = doc["events"]
    if not isinstance(events, dict) or not events:
        raise fail("events must map at least one message type to its allowed fields")
    granted: dict[str, frozenset[str]] = {}
    for message_type, spec in events.items():
        if message_type in ENDINGS:
            raise fail(f"{message_type} is always sent to agencies that received data; do not list it")
        if message_type not in SHAREABLE:
            raise fail(f"unknown event type {message_type!r}; shareable: {sorted(SHAREABLE)}")
        fields = spec.get("fields") if isinstance(spec, dict) else None
        if not isinstance(fields, list) or not fields or not all(isinstance(f, str) for f in fields):
            raise fail(f"{message_type}: 'fields' must be a non-empty list of field names")
        if unknown := sorted(set(fields) - SHAREABLE[message_type]):
            raise fail(f"{message_type}: field(s) {unknown} may not be shared; allowed: "
                       f"{sorted(SHAREABLE[message_type])}")
        granted[message_type] = frozenset(fields)
    if "referrals" in doc:  # the cases referred to the agency (published by stations; checked here too)
        try:
            referral_terms.parse(source, agency, doc["referrals"])
        except referral_terms.ReferralTermsError as exc:
            raise AgreementError(str(exc)) from None
    return Agreement(agency=agency, name=str(doc["name"]), purpose=str(doc["purpose"]), events=granted)


def load(directory: Path = AGREEMENTS_DIR) -> list[Agreement]:
    files = sorted(directory.glob("*.yaml"))
    if not files:
        raise AgreementError(f"no data-sharing agreements in {directory}")
    agreements = []
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise AgreementError(f"data-sharing agreement {path.name}: not valid YAML ({exc})") from None
        agreement = parse(path.name, doc)
        if path.stem != agreement.agency.lower():
            raise AgreementError(f"data-sharing agreement {path.name}: the file must be named "
                                 f"{agreement.agency.lower()}.yaml")
        agreements.append(agreement)
    return agreements
