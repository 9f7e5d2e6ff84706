"""A person's own sign-in account on their record, Given events / When command / Then events (no IO)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import RuleViolated
from contracts.registry import AccountLink
from services.registry.domain.commands import EraseYouth, LinkAccount, MergeInto
from services.registry.domain.decider import claim_code_issuable, youth
from services.registry.domain.events import AccountLinked, codec
from tests.unit.test_registry_domain import REGISTER, rule_of

TODAY = date(2026, 12, 1)
NOW = datetime(2026, 12, 1, 4, tzinfo=UTC)
REGISTERED = youth.run([], REGISTER)


def test_a_person_who_registers_themselves_links_their_account_and_it_is_never_published():
    [linked] = youth.run(REGISTERED, LinkAccount("wx-openid-1", AccountLink.SELF_REGISTERED, TODAY))
    assert linked == AccountLinked(youth_id="y1", via="SELF_REGISTERED", linked_on=TODAY, account="wx-openid-1")
    _, public, private = codec.encode(linked)
    assert "account" not in public and b"wx-openid-1" in private
    assert youth.fold([*REGISTERED, linked]).account == "wx-openid-1"


def test_a_record_reaches_at_most_one_account():
    linked = youth.run(REGISTERED, LinkAccount("a", AccountLink.SELF_REGISTERED, TODAY))
    assert rule_of([*REGISTERED, *linked], LinkAccount("b", AccountLink.SELF_REGISTERED, TODAY)) \
        == "account_already_linked"
    with pytest.raises(RuleViolated, match="无需认领码"):
        claim_code_issuable(youth.fold([*REGISTERED, *linked]))


def test_a_claim_code_links_the_record_until_it_expires():
    code = LinkAccount("a", AccountLink.CLAIM_CODE, TODAY, now=NOW, code_expires_at=NOW + timedelta(seconds=1))
    assert [e.via for e in youth.run(REGISTERED, code)] == ["CLAIM_CODE"]
    expired = LinkAccount("a", AccountLink.CLAIM_CODE, TODAY, now=NOW, code_expires_at=NOW)
    assert rule_of(REGISTERED, expired) == "claim_code_expired"


def test_merged_and_erased_records_cannot_be_claimed():
    merged = [*REGISTERED, *youth.run(REGISTERED, MergeInto("y0", "ACTIVE"))]
    assert rule_of(merged, LinkAccount("a", AccountLink.SELF_REGISTERED, TODAY)) == "merged"
    erased = [*REGISTERED, *youth.run(REGISTERED, EraseYouth(TODAY))]
    assert rule_of(erased, LinkAccount("a", AccountLink.SELF_REGISTERED, TODAY)) == "erased"
    assert claim_code_issuable(youth.fold(REGISTERED)) == "y1"


def test_erasure_forgets_the_account():
    linked = [*REGISTERED, *youth.run(REGISTERED, LinkAccount("a", AccountLink.SELF_REGISTERED, TODAY))]
    assert youth.fold([*linked, *youth.run(linked, EraseYouth(TODAY))]).account is None
