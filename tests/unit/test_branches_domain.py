"""Branch, organisation and meeting rules, Given / When / Then (no IO)."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.errors import RuleViolated, ValidationFailed
from services.branches.domain import branch as b
from services.branches.domain import meeting as mt
from services.branches.domain import organisation as o

TODAY = date(2026, 11, 29)
NOW = datetime(2026, 11, 29, 8, 0, tzinfo=UTC)
FOUNDED = [b.BranchFounded("b1", "朝阳区外卖骑手流动团支部", "MOBILE", "110105", TODAY)]
PARK = [b.BranchFounded("b2", "751 园区团支部", "PARK", "110105", TODAY)]
WITH_CODE = [*FOUNDED, b.InvitationIssued("b1", "ABC234", NOW + timedelta(hours=2), 2)]


def rule_of(decider, given, command) -> str:
    with pytest.raises(RuleViolated) as exc:
        decider.run(given, command)
    assert exc.value.message
    return exc.value.details["rule"]


def fields_of(decider, given, command) -> set[str]:
    with pytest.raises(ValidationFailed) as exc:
        decider.run(given, command)
    return {e.field for e in exc.value.errors}


# ---- branch ------------------------------------------------------------------------------------

def test_a_branch_is_founded_under_its_district_committee():
    assert b.branch.run([], b.FoundBranch("b1", " 朝阳区外卖骑手流动团支部 ", "MOBILE", "110105", TODAY)) == FOUNDED


def test_founding_with_bad_input_names_every_field():
    assert fields_of(b.branch, [], b.FoundBranch("b1", "", "CLUB", "999999", TODAY)) == {"name", "kind", "district"}


def test_rename_and_secretary():
    assert b.branch.run(FOUNDED, b.RenameBranch("骑手一支部")) == [b.BranchRenamed("b1", "骑手一支部")]
    assert b.branch.run(FOUNDED, b.AssignSecretary("y1", True)) == [b.SecretaryAssigned("b1", "y1")]


def test_a_branch_with_no_open_memberships_is_dissolved():
    assert b.branch.run(FOUNDED, b.DissolveBranch(0, TODAY)) == [b.BranchDissolved("b1", "110105", TODAY)]


DISSOLVED = [*FOUNDED, b.BranchDissolved("b1", "110105", TODAY)]


@pytest.mark.parametrize("given, command, rule", [
    (FOUNDED, b.FoundBranch("b1", "x", "MOBILE", "110105", TODAY), "already_founded"),
    ([], b.RenameBranch("x"), "branch_not_found"),
    (FOUNDED, b.RenameBranch("朝阳区外卖骑手流动团支部"), "same_name"),
    (FOUNDED, b.AssignSecretary("y1", False), "secretary_not_member"),
    ([*FOUNDED, b.SecretaryAssigned("b1", "y1")], b.AssignSecretary("y1", True), "already_secretary"),
    (FOUNDED, b.DissolveBranch(3, TODAY), "members_remain"),
    (DISSOLVED, b.DissolveBranch(0, TODAY), "branch_dissolved"),
    (DISSOLVED, b.RenameBranch("新名"), "branch_dissolved"),
    (DISSOLVED, b.IssueInvitation("XYZ234", NOW, 24, 10), "branch_dissolved"),
    (PARK, b.IssueInvitation("XYZ234", NOW, 24, 10), "not_mobile"),
    (WITH_CODE, b.IssueInvitation("ABC234", NOW, 24, 10), "duplicate_code"),
    (FOUNDED, b.RedeemInvitation("NOPE22", NOW), "invitation_unknown"),
    (WITH_CODE, b.RedeemInvitation("ABC234", NOW + timedelta(hours=2)), "invitation_expired"),
    ([*WITH_CODE, b.InvitationRedeemed("b1", "ABC234", 1), b.InvitationRedeemed("b1", "ABC234", 2)],
     b.RedeemInvitation("ABC234", NOW), "invitation_used_up"),
    ([*WITH_CODE, b.InvitationExpired("b1", "ABC234")], b.RedeemInvitation("ABC234", NOW), "invitation_expired"),
])
def test_illegal_branch_transitions_are_refused(given, command, rule):
    assert rule_of(b.branch, given, command) == rule


def test_invitation_limits_are_validated():
    assert fields_of(b.branch, FOUNDED, b.IssueInvitation("XYZ234", NOW, 0, 501)) == {"validHours", "maxUses"}


def test_an_invitation_code_is_used_until_its_uses_run_out_or_it_expires():
    [issued] = b.branch.run(FOUNDED, b.IssueInvitation("ABC234", NOW, 2, 2))
    assert issued == b.InvitationIssued("b1", "ABC234", NOW + timedelta(hours=2), 2)
    [first] = b.branch.run([*FOUNDED, issued], b.RedeemInvitation("ABC234", NOW))
    assert first == b.InvitationRedeemed("b1", "ABC234", 1)
    assert b.branch.run([*FOUNDED, issued], b.ExpireInvitations(NOW)) == []
    assert b.branch.run([*FOUNDED, issued], b.ExpireInvitations(NOW + timedelta(hours=2))) == [
        b.InvitationExpired("b1", "ABC234")]
    assert b.branch.run([*DISSOLVED, issued], b.ExpireInvitations(NOW + timedelta(hours=3))) == [
        b.InvitationExpired("b1", "ABC234")]  # housekeeping also on a dissolved branch


# ---- organisation ------------------------------------------------------------------------------

CONTACTED = [o.OrganisationContacted("o1", "某快递公司北京总部", "COURIER_COMPANY", "110105", TODAY)]


def test_the_pipeline_goes_from_contact_to_relationship_to_branch():
    assert o.organisation.run([], o.RecordContact("o1", "某快递公司北京总部", "COURIER_COMPANY", "110105", TODAY)) \
        == CONTACTED
    [working] = o.organisation.run(CONTACTED, o.EstablishRelationship(TODAY))
    [linked] = o.organisation.run([*CONTACTED, working], o.LinkBranch("b1", TODAY))
    assert o.organisation.fold([*CONTACTED, working, linked]).stage == o.Stage.BRANCH_FOUNDED


def test_recording_a_contact_with_bad_input_names_every_field():
    assert fields_of(o.organisation, [], o.RecordContact("o1", " ", "SHOP", "1", TODAY)) == {"name", "kind", "district"}


@pytest.mark.parametrize("given, command, rule", [
    (CONTACTED, o.RecordContact("o1", "x", "PARK", "110105", TODAY), "already_recorded"),
    ([], o.EstablishRelationship(TODAY), "organisation_not_found"),
    ([], o.LinkBranch("b1", TODAY), "organisation_not_found"),
    ([*CONTACTED, o.RelationshipEstablished("o1", TODAY)], o.EstablishRelationship(TODAY), "relationship_exists"),
    ([*CONTACTED, o.BranchLinked("o1", "b1", TODAY)], o.LinkBranch("b2", TODAY), "branch_exists"),
])
def test_illegal_organisation_transitions_are_refused(given, command, rule):
    assert rule_of(o.organisation, given, command) == rule


# ---- meeting -----------------------------------------------------------------------------------

MEMBERS = frozenset({"y1", "y2", "y3"})
HELD = [mt.MeetingHeld("m1", "b1", "110105", "GENERAL_MEETING", TODAY, "学习团章", ["y1"])]


def record(**overrides) -> mt.RecordMeeting:
    base = dict(meeting_id="m1", branch_id="b1", branch_active=True, district="110105", kind="GENERAL_MEETING",
                held_on=TODAY, topic=" 学习团章 ", attendees=("y1",), members=MEMBERS, today=TODAY)
    return mt.RecordMeeting(**{**base, **overrides})


def test_a_meeting_is_recorded_with_its_attendance_and_more_attendees_later():
    assert mt.meeting.run([], record()) == HELD
    assert mt.meeting.run(HELD, mt.RecordAttendance(("y2", "y3"), MEMBERS)) == [
        mt.AttendanceRecorded("m1", "b1", ["y2", "y3"])]


def test_a_meeting_with_bad_input_names_every_field():
    assert fields_of(mt.meeting, [], record(kind="PARTY", held_on=date(2026, 11, 30), topic="",
                                            attendees=("y1", "y1", "stranger"))) == {"kind", "heldOn", "topic",
                                                                                     "attendees"}


@pytest.mark.parametrize("given, command, rule", [
    (HELD, record(), "already_recorded"),
    ([], record(branch_active=False), "branch_inactive"),
    ([], mt.RecordAttendance(("y1",), MEMBERS), "meeting_not_found"),
    (HELD, mt.RecordAttendance(("y1",), MEMBERS), "already_attending"),
])
def test_illegal_meeting_transitions_are_refused(given, command, rule):
    assert rule_of(mt.meeting, given, command) == rule


def test_attendance_of_non_members_is_refused_by_field():
    assert fields_of(mt.meeting, HELD, mt.RecordAttendance(("stranger",), MEMBERS)) == {"attendees"}


def test_a_quarter_is_compliant_with_a_general_meeting_a_lecture_and_a_committee_meeting_every_month():
    meetings = [("GENERAL_MEETING", date(2026, 10, 5)), ("LEAGUE_LECTURE", date(2026, 12, 1)),
                ("COMMITTEE_MEETING", date(2026, 10, 9)), ("COMMITTEE_MEETING", date(2026, 11, 9)),
                ("COMMITTEE_MEETING", date(2026, 12, 9)), ("COMMITTEE_MEETING", date(2026, 9, 30))]
    assert mt.quarter_compliance(meetings, "2026-Q4").compliant
    assert mt.quarter_of(date(2026, 12, 31)) == "2026-Q4"
    missing_month = [x for x in meetings if x[1] != date(2026, 11, 9)]
    result = mt.quarter_compliance(missing_month, "2026-Q4")
    assert (result.committee_months, result.compliant) == (2, False)
    assert not mt.quarter_compliance(meetings, "2026-Q3").compliant  # only the September committee meeting
