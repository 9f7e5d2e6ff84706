"""The referral section of a data-sharing agreement (deploy/contracts/agreements/<agency>.yaml): which case
categories the agency takes and which fields of a referral it may receive.

    referrals:
      categories: [LABOUR_DISPUTE, WAGE_ARREARS, WORK_INJURY]
      fields: [subject_id, urgency, district, summary, contact]

`case_ref`, `category` and `referred_at` are always sent (the agency cannot answer without them); every
other field only when listed. `contact` is sent only when the youth also consented to giving it.
The partners service validates the section with the rest of the agreement; stations (which publishes
referrals) reads it with `load`. An invalid section stops either with the file and the problem named.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from contracts.agencies import AGENCIES
from contracts.stations import CaseCategory

from .settings import PROJECT_ROOT

AGREEMENTS_DIR = PROJECT_ROOT / "deploy" / "contracts" / "agreements"
ALWAYS = frozenset({"case_ref", "category", "referred_at"})
OPTIONAL = frozenset({"subject_id", "urgency", "district", "summary", "contact"})


class ReferralTermsError(RuntimeError):
    """A referral section is invalid: nothing is referred under it."""


@dataclass(frozen=True)
class ReferralTerms:
    agency: str
    categories: frozenset[str]
    fields: frozenset[str]  # the optional fields granted (ALWAYS are sent besides)

    def allows(self, name: str) -> bool:
        return name in ALWAYS or name in self.fields


def parse(source: str, agency: str, spec: Any) -> ReferralTerms:
    def fail(problem: str) -> ReferralTermsError:
        return ReferralTermsError(f"data-sharing agreement {source}: referrals: {problem}")

    if agency not in AGENCIES:
        raise fail(f"unknown agency {agency!r}")
    if not isinstance(spec, dict) or set(spec) != {"categories", "fields"}:
        raise fail("must be a mapping of exactly 'categories' and 'fields'")
    categories, fields = spec["categories"], spec["fields"]
    if not isinstance(categories, list) or not categories or not all(isinstance(c, str) for c in categories):
        raise fail("'categories' must be a non-empty list of case categories")
    if unknown := sorted(set(categories) - set(CaseCategory)):
        raise fail(f"unknown categor(ies) {unknown}; known: {sorted(CaseCategory)}")
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise fail("'fields' must be a list of field names")
    if unknown := sorted(set(fields) - OPTIONAL):
        raise fail(f"field(s) {unknown} may not be referred; allowed: {sorted(OPTIONAL)} "
                   f"(always sent: {sorted(ALWAYS)})")
    return ReferralTerms(agency, frozenset(categories), frozenset(fields))


def load(directory: Path = AGREEMENTS_DIR) -> dict[str, ReferralTerms]:
    """agency → its referral terms, for the agreements that have a referral section."""
    found: dict[str, ReferralTerms] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise ReferralTermsError(f"data-sharing agreement {path.name}: not valid YAML ({exc})") from None
        if isinstance(doc, dict) and "referrals" in doc:
            terms = parse(path.name, str(doc.get("agency")), doc["referrals"])
            found[terms.agency] = terms
    return found
