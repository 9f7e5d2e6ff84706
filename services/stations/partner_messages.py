"""The messages stations writes for agencies (contracts/partners.py): the referral of a case, the notice that
its person was erased, and the dead letter of a reply that changed nothing. Pseudonymous and value-free:
the referral's summary and contact are not here — the relay adds them, unsealed, when it publishes
(referrals.enrich), so they are never stored in plaintext outside the sealed case."""
from __future__ import annotations

from datetime import datetime

from chassis.codec import EventCodec
from chassis.event import Event, event
from contracts.partners import ReferralMessages, ReplyDeadLetters


@event(ReferralMessages.REFERRED)
class ReferralSent(Event):
    case_ref: str  # the agency's own reference of the case (its replies name it); the Kafka key
    category: str
    referred_at: datetime
    subject_id: str | None = None  # the agency's pseudonym of the person (as on partner.<agency>.youth)
    urgency: str | None = None
    district: str | None = None
    contact_shared: bool = False  # the youth consented to giving their contact (added at publish)


@event(ReferralMessages.ERASED)
class ReferralErased(Event):
    case_ref: str
    erased_on: str  # a date


@event(ReferralMessages.WITHDRAWN)
class ReferralWithdrawn(Event):
    """Written by `xinqing restore` (xinqing/backups/agencies.py): the referral was made after the recovery point."""
    case_ref: str
    withdrawn_on: str  # a date


@event(ReplyDeadLetters.REJECTED)
class ReplyRejected(Event):
    reason: str  # envelope | schema | unknown_case | not_referred_to_agency | out_of_order | invalid
    message: str  # why, in words, without the reply's values
    partition: int
    offset: int
    reply_id: str | None = None  # the reply's ce_id
    reply_type: str | None = None  # its ce_type
    case_ref: str | None = None
    field: str | None = None
    rule: str | None = None


REFERRAL_CODEC = EventCodec(ReferralSent, ReferralErased, ReferralWithdrawn)
DEAD_LETTER_CODEC = EventCodec(ReplyRejected)
