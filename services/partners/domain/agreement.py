"""A data-sharing agreement, and what any agreement may grant at all."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from contracts.partners import PartnerYouthMessages as Messages
from contracts.registry import share_with

# The fields an agreement may grant, per data message type (the closed JSON Schemas in
# deploy/contracts/schemas/ list exactly these, plus `subject_id`). Personal fields (name, mobile,
# ID number, birth date) and the internal youth id are not shareable at all.
SHAREABLE: dict[str, frozenset[str]] = {
    Messages.REGISTERED: frozenset({"district", "youth_type", "subtype", "is_minor", "age_band", "registered_on",
                                    "employer_kind"}),
    Messages.PROFILE_UPDATED: frozenset({"district", "youth_type", "subtype", "is_minor", "age_band",
                                         "employer_kind"}),
}
# Sent to every agency that received a person, whatever its agreement says: it must stop using and
# delete what it holds (PIPL art. 47). They carry the pseudonym and a date only.
ENDINGS = (Messages.CONSENT_WITHDRAWN, Messages.ERASED)
PARTNER_TYPES = (*SHAREABLE, *ENDINGS)


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
        return share_with(self.agency)

    def topic(self) -> str:
        return f"partner.{self.agency.lower()}.{self.domain}"
