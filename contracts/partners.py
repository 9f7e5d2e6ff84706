"""What agencies receive and send.

- `partner.<agency>.youth` (written by the partners service): pseudonymous demographics.
- `partner.<agency>.referrals` (written by stations): the cases referred to the agency, with the youth's
  consent to that referral.
- `partner.<agency>.replies` (written by the agency's own principal, `agency-<code>`): its answers.
- `partner.<agency>.replies.dead-letters` (written by stations): each reply that changed nothing, with why.
Every message type has a closed JSON Schema in deploy/contracts/schemas/.
"""
from __future__ import annotations

from .agencies import AGENCIES
from .topic import Topic, types_of


class PartnerYouthMessages:
    REGISTERED = "xq.partner.youth.registered.v1"
    PROFILE_UPDATED = "xq.partner.youth.profile-updated.v1"
    CONSENT_WITHDRAWN = "xq.partner.youth.consent-withdrawn.v1"
    ERASED = "xq.partner.youth.erased.v1"


class ReferralMessages:
    REFERRED = "xq.partner.referral.referred.v1"  # a case referred to the agency (summary added at publish)
    ERASED = "xq.partner.referral.erased.v1"  # the person was erased: delete what the referral told you
    WITHDRAWN = "xq.partner.referral.withdrawn.v1"  # rolled back by a restore: delete what it told you


class ReplyMessages:  # what an agency may answer about a case referred to it
    ACCEPTED = "xq.partner.reply.accepted.v1"
    DECLINED = "xq.partner.reply.declined.v1"
    IN_PROGRESS = "xq.partner.reply.in-progress.v1"
    MEDIATION_RESULT = "xq.partner.reply.mediation-result.v1"
    AID_DECISION = "xq.partner.reply.aid-decision.v1"
    CLOSED = "xq.partner.reply.closed.v1"


class ReplyDeadLetters:
    REJECTED = "xq.partner.reply.rejected.v1"  # a reply that changed nothing, and the reason


PARTNER_YOUTH_TYPES = types_of(PartnerYouthMessages)
REFERRAL_TYPES = types_of(ReferralMessages)
REPLY_TYPES = types_of(ReplyMessages)
DEAD_LETTER_TYPES = types_of(ReplyDeadLetters)
PARTNER_TYPES = PARTNER_YOUTH_TYPES | REFERRAL_TYPES | REPLY_TYPES | DEAD_LETTER_TYPES  # each has a schema
OPS = "ops"  # the operators' principal: reads the dead letters


PUBLISHER = "partners"  # the one service that writes `partner.<agency>.youth` (the ACLs: xinqing/kafka_acls.py)
TOPIC_PREFIX = "partner."


def partner_topic(agency: str) -> str:
    """The topic one agency reads (agency code in lower case)."""
    return f"{TOPIC_PREFIX}{agency.lower()}.youth"


def agency_principal(agency: str) -> str:
    return f"agency-{agency.lower()}"


def referrals_topic(agency: str) -> str:
    return f"{TOPIC_PREFIX}{agency.lower()}.referrals"


def replies_topic(agency: str) -> str:
    return f"{TOPIC_PREFIX}{agency.lower()}.replies"


def dead_letters_topic(agency: str) -> str:
    return f"{replies_topic(agency)}.dead-letters"


def agency_of_topic(bare_topic: str) -> str:
    """`partner.hrss.replies` → HRSS."""
    return bare_topic.split(".")[1].upper()


def _referral_topics(agency: str) -> tuple[Topic, ...]:
    who = agency_principal(agency)
    return (Topic(referrals_topic(agency), "stations", REFERRAL_TYPES, frozenset({who})),
            Topic(replies_topic(agency), who, REPLY_TYPES, frozenset({"stations"})),
            Topic(dead_letters_topic(agency), "stations", DEAD_LETTER_TYPES, frozenset({who, OPS})))


REFERRAL_TOPICS = tuple(t for agency in AGENCIES for t in _referral_topics(agency))
