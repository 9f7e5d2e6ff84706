"""Membership rules, Given events / When command / Then events (no IO)."""
from __future__ import annotations

from datetime import date

import pytest

from chassis.errors import RuleViolated
from services.branches.domain import membership as m
from services.branches.domain.facts import BranchFacts, YouthFacts
from services.branches.domain.membership import (
    ApplicationWithdrawn,
    Apply,
    Approve,
    EndForRegistry,
    JoinedWithInvitation,
    JoinWithInvitation,
    Leave,
    LeaveReason,
    MembershipApplied,
    MembershipApproved,
    MembershipEnded,
    MembershipRejected,
    RegistryEnd,
    Reject,
    RejectReason,
    RetireOverAge,
    membership,
)
from services.branches.domain.transfer import (
    ApproveTransfer,
    ExpireTransfer,
    RejectTransfer,
    RequestTransfer,
    Side,
    TransferApproved,
    TransferExpired,
    TransferRejected,
    TransferRequested,
)

TODAY = date(2026, 11, 29)
B1 = BranchFacts("b1", True, "110105", "MOBILE")
B2 = BranchFacts("b2", True, "110108", "ENTERPRISE")
GONE = BranchFacts("b9", False, "110105", "PARK")
YOUNG = YouthFacts(active=True, district="110105", subtype="DELIVERY_RIDER", league_age=True)
OVER = YouthFacts(active=True, district="110105", subtype="DELIVERY_RIDER", league_age=False)  # 29+ when registered
ENDED = YouthFacts(active=True, district="110105", subtype="DELIVERY_RIDER", league_age=True, league_age_ended=True)
APPLIED = [MembershipApplied("y1", "b1", "110105", TODAY)]
MEMBER = [*APPLIED, MembershipApproved("y1", "b1", "110105", TODAY)]
PENDING = [*MEMBER, TransferRequested("y1", "t1", "b1", "110105", "b2", "110108", "TO", TODAY, date(2027, 2, 28))]


def refused(given, command) -> str:
    with pytest.raises(RuleViolated) as exc:
        membership.run(given, command)
    assert exc.value.message  # a sentence a person can read
    return exc.value.details["rule"]


def test_a_registered_youth_of_league_age_applies_and_is_approved():
    assert membership.run([], Apply("y1", B1, YOUNG, TODAY)) == APPLIED
    assert membership.run(APPLIED, Approve("b1", TODAY)) == [MembershipApproved("y1", "b1", "110105", TODAY)]
    assert membership.fold(MEMBER).status == m.Status.MEMBER


def test_a_second_approval_of_the_same_application_is_refused():
    assert refused(MEMBER, Approve("b1", TODAY)) == "no_pending_application"


def test_rejection_closes_the_application_and_the_youth_may_apply_again():
    [event] = membership.run(APPLIED, Reject("b1", RejectReason.WRONG_BRANCH, TODAY))
    assert event == MembershipRejected("y1", "b1", "110105", "WRONG_BRANCH", TODAY)
    assert membership.run([*APPLIED, event], Apply("y1", B2, YOUNG, TODAY))[0].branch_id == "b2"


@pytest.mark.parametrize("given, command, rule", [
    (MEMBER, Apply("y1", B2, YOUNG, TODAY), "already_member"),
    (APPLIED, Apply("y1", B2, YOUNG, TODAY), "application_pending"),
    ([], Apply("y1", GONE, YOUNG, TODAY), "branch_inactive"),
    ([], Apply("y1", B1, YouthFacts(active=False), TODAY), "youth_inactive"),
    ([], Apply("y1", B1, YouthFacts(active=True), TODAY), "league_age_unknown"),
    ([], Apply("y1", B1, OVER, TODAY), "over_league_age"),
    ([], Apply("y1", B1, ENDED, TODAY), "over_league_age"),
    ([], JoinWithInvitation("y1", B1, ENDED, "ABC234", TODAY), "over_league_age"),
    (MEMBER, RequestTransfer("t1", B2, Side.FROM, ENDED, TODAY), "over_league_age"),
    ([], Approve("b1", TODAY), "no_pending_application"),
    (APPLIED, Approve("b2", TODAY), "no_pending_application"),
    (APPLIED, Approve("b1", TODAY, ENDED), "over_league_age"),
    (APPLIED, Approve("b1", TODAY, YouthFacts(active=False)), "youth_inactive"),
    ([], Reject("b1", RejectReason.OTHER, TODAY), "no_pending_application"),
    (MEMBER, JoinWithInvitation("y1", B2, YOUNG, "ABC234", TODAY), "already_member"),
    ([], Leave(LeaveReason.MOVED, TODAY), "not_member"),
    (APPLIED, Leave(LeaveReason.BY_REQUEST, TODAY), "not_member"),
    ([], RequestTransfer("t1", B2, Side.FROM, YOUNG, TODAY), "not_member"),
    (MEMBER, RequestTransfer("t1", B1, Side.FROM, YOUNG, TODAY), "same_branch"),
    (MEMBER, RequestTransfer("t1", GONE, Side.FROM, YOUNG, TODAY), "branch_inactive"),
    (PENDING, RequestTransfer("t2", B2, Side.FROM, YOUNG, TODAY), "transfer_pending"),
    (MEMBER, ApproveTransfer("t1", True, TODAY), "no_pending_transfer"),
    (PENDING, ApproveTransfer("t-other", True, TODAY), "no_pending_transfer"),
    (PENDING, ApproveTransfer("t1", True, date(2027, 3, 1)), "transfer_expired"),
    (PENDING, ApproveTransfer("t1", False, TODAY), "branch_inactive"),
    (MEMBER, RejectTransfer("t1", TODAY), "no_pending_transfer"),
    (PENDING, ExpireTransfer(date(2027, 2, 28)), "transfer_not_expired"),
    (MEMBER, ExpireTransfer(date(2027, 6, 1)), "no_pending_transfer"),
])
def test_illegal_transitions_are_refused_with_a_named_rule(given, command, rule):
    assert refused(given, command) == rule


def test_joining_a_mobile_branch_with_an_invitation_code_makes_a_member_at_once():
    [event] = membership.run([], JoinWithInvitation("y1", B1, YOUNG, "ABC234", TODAY))
    assert event == JoinedWithInvitation("y1", "b1", "110105", "ABC234", TODAY)
    assert membership.fold([event]).status == m.Status.MEMBER


def test_a_transfer_expires_three_months_after_it_was_requested():
    [event] = membership.run(MEMBER, RequestTransfer("t1", B2, Side.TO, YOUNG, date(2026, 11, 30)))
    assert event.expires_on == date(2027, 2, 28)  # 30 Feb does not exist: the month's last day
    assert event.from_branch_id == "b1" and event.to_branch_id == "b2" and event.initiated_by == "TO"


def test_an_approved_transfer_moves_the_member_to_the_receiving_branch():
    [event] = membership.run(PENDING, ApproveTransfer("t1", True, date(2027, 2, 28)))
    assert event == TransferApproved("y1", "t1", "b1", "b2", "110108", date(2027, 2, 28))
    state = membership.fold([*PENDING, event])
    assert (state.status, state.branch_id, state.district, state.transfer) == (m.Status.MEMBER, "b2", "110108", None)


def test_a_rejected_or_expired_transfer_leaves_the_member_where_they_were():
    [rejected] = membership.run(PENDING, RejectTransfer("t1", TODAY))
    assert rejected == TransferRejected("y1", "t1", TODAY)
    [expired] = membership.run(PENDING, ExpireTransfer(date(2027, 3, 1)))
    assert expired == TransferExpired("y1", "t1", date(2027, 3, 1))
    for event in (rejected, expired):
        state = membership.fold([*PENDING, event])
        assert (state.branch_id, state.transfer) == ("b1", None)


@pytest.mark.parametrize("reason", list(LeaveReason))
def test_leaving_ends_the_membership_with_its_reason(reason):
    [event] = membership.run(PENDING, Leave(reason, TODAY))
    assert event == MembershipEnded("y1", "b1", "110105", str(reason), TODAY)
    state = membership.fold([*PENDING, event])
    assert (state.status, state.branch_id, state.transfer) == (m.Status.NONE, None, None)


def test_the_end_of_league_age_retires_a_member_and_withdraws_an_application():
    [event] = membership.run(PENDING, RetireOverAge(date(2027, 1, 1)))
    assert event == MembershipEnded("y1", "b1", "110105", "OVER_AGE", date(2027, 1, 1))
    assert membership.fold([*PENDING, event]).status == m.Status.NONE
    assert membership.run(APPLIED, RetireOverAge(date(2027, 1, 1))) == [
        ApplicationWithdrawn("y1", "b1", "110105", "OVER_AGE", date(2027, 1, 1))]


def test_the_end_of_league_age_of_someone_not_in_a_branch_changes_nothing():
    assert membership.run([], RetireOverAge(date(2027, 1, 1))) == []
    assert membership.run([*MEMBER, MembershipEnded("y1", "b1", "110105", "MOVED", TODAY)],
                          RetireOverAge(date(2027, 1, 1))) == []


@pytest.mark.parametrize("reason", list(RegistryEnd))
def test_erasure_deactivation_or_merge_ends_a_membership_or_withdraws_an_application(reason):
    assert membership.run(MEMBER, EndForRegistry(reason, TODAY)) == [
        MembershipEnded("y1", "b1", "110105", str(reason), TODAY)]
    assert membership.run(APPLIED, EndForRegistry(reason, TODAY)) == [
        ApplicationWithdrawn("y1", "b1", "110105", str(reason), TODAY)]
    assert membership.run([], EndForRegistry(reason, TODAY)) == []  # nothing to end is not an error


def test_events_survive_the_codec_round_trip_and_carry_nothing_personal():
    for event in PENDING:
        kind, public, private = m.codec.encode(event)
        assert private is None
        assert m.codec.decode(kind, public) == event
