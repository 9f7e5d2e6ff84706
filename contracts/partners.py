"""What agencies receive: `partner.<agency>.youth` topics with these message types (each described by a
closed JSON Schema in deploy/contracts/schemas/)."""
from __future__ import annotations

from .topic import types_of


class PartnerYouthMessages:
    REGISTERED = "xq.partner.youth.registered.v1"
    PROFILE_UPDATED = "xq.partner.youth.profile-updated.v1"
    CONSENT_WITHDRAWN = "xq.partner.youth.consent-withdrawn.v1"
    ERASED = "xq.partner.youth.erased.v1"


PARTNER_YOUTH_TYPES = types_of(PartnerYouthMessages)


PUBLISHER = "partners"  # the one service that writes `partner.<agency>.youth` (the ACLs: xinqing/kafka_acls.py)
TOPIC_PREFIX = "partner."


def partner_topic(agency: str) -> str:
    """The topic one agency reads (agency code in lower case)."""
    return f"{TOPIC_PREFIX}{agency.lower()}.youth"
