"""面对面 sessions, their issues and the proposals that follow, Given / When / Then (no IO; issue 19):
district staff record a session (counts only) and its issues; a proposal goes SUBMITTED → ACCEPTED →
ANSWERED (or NOT_ACCEPTED), answered by the addressed department's staff or by league staff for it."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chassis.errors import Forbidden, RuleViolated
from services.branches.domain import face_to_face as ff
from services.branches.domain import proposal as pr
from tests.unit.refusals import refused_fields as fields_of

TODAY = date(2026, 12, 2)
CHAOYANG = ff.Recorder("110105")
HAIDIAN = ff.Recorder("110108")
CITY = ff.Recorder(None)
SESSION = ff.RecordSession("s1", TODAY, "110105", " 望京骑手驿站", "NPC_DEPUTY", 3, 40, recorder=CHAOYANG, today=TODAY)
HELD = ff.SessionHeld("s1", TODAY, "110105", "望京骑手驿站", "NPC_DEPUTY", 3, 40)
ISSUE = ff.RaiseIssue(CHAOYANG, "q1", "SOCIAL_SECURITY", "灵活就业骑手参保手续繁琐")
SUBMIT = pr.SubmitProposal("p1", CHAOYANG, "s1", "110105", "q1", "SUGGESTION", "简化骑手参保手续", "RSJ", TODAY)
SUBMITTED = pr.ProposalSubmitted("p1", "s1", "q1", "110105", "SUGGESTION", "简化骑手参保手续", "RSJ", TODAY)
ACCEPTED = pr.ProposalAccepted("p1", TODAY)
RSJ = pr.Responder(department="RSJ")


def test_district_staff_record_a_session_with_counts_only():
    assert ff.face_to_face.run([], SESSION) == [HELD]
    assert ff.face_to_face.run([], replace(SESSION, recorder=CITY)) == [HELD]


def test_a_session_with_bad_input_names_every_field():
    bad = replace(SESSION, held_on=date(2026, 12, 3), place=" ", deputy_role="MAYOR", deputies=0,
                  youth_attending=-1, district="999999")
    assert fields_of(ff.face_to_face, [], bad) == {"heldOn", "place", "deputyRole", "deputies", "youthAttending",
                                                   "district"}


def test_a_district_records_only_its_own_sessions_and_once():
    with pytest.raises(Forbidden):
        ff.face_to_face.run([], replace(SESSION, recorder=HAIDIAN))
    with pytest.raises(RuleViolated):
        ff.face_to_face.run([HELD], SESSION)


def test_issues_are_raised_at_a_session_with_a_case_category():
    assert ff.face_to_face.run([HELD], ISSUE) == [
        ff.IssueRaised("s1", "q1", "110105", "SOCIAL_SECURITY", "灵活就业骑手参保手续繁琐")]
    assert fields_of(ff.face_to_face, [HELD], replace(ISSUE, category="GOSSIP", text="x" * 501)) == {
        "category", "text"}
    assert fields_of(ff.face_to_face, [HELD], replace(ISSUE, text="\x1b[31m")) == {"text"}
    with pytest.raises(Forbidden):
        ff.face_to_face.run([HELD], replace(ISSUE, recorder=HAIDIAN))
    with pytest.raises(RuleViolated, match="未找到"):
        ff.face_to_face.run([], ISSUE)
    raised = ff.face_to_face.run([HELD], ISSUE)
    with pytest.raises(RuleViolated):
        ff.face_to_face.run([HELD, *raised], ISSUE)


def test_a_proposal_is_submitted_to_a_known_department():
    assert pr.proposal.run([], SUBMIT) == [SUBMITTED]
    assert fields_of(pr.proposal, [], replace(SUBMIT, kind="PETITION", title="", department="NOPE")) == {
        "kind", "title", "department"}
    with pytest.raises(Forbidden):
        pr.proposal.run([], replace(SUBMIT, recorder=HAIDIAN))


def test_the_department_accepts_and_answers():
    assert pr.proposal.run([SUBMITTED], pr.AcceptProposal(RSJ, TODAY)) == [ACCEPTED]
    assert pr.proposal.run([SUBMITTED, ACCEPTED], pr.AnswerProposal(RSJ, TODAY, "已开通线上参保")) == [
        pr.ProposalAnswered("p1", "已开通线上参保", TODAY)]
    assert fields_of(pr.proposal, [SUBMITTED, ACCEPTED], pr.AnswerProposal(RSJ, TODAY, " ")) == {"answer"}


def test_league_staff_answer_on_the_departments_behalf_in_their_district():
    for_rsj = pr.Responder(league=CHAOYANG)
    assert pr.proposal.run([SUBMITTED], pr.AcceptProposal(for_rsj, TODAY)) == [ACCEPTED]
    with pytest.raises(Forbidden):
        pr.proposal.run([SUBMITTED], pr.AcceptProposal(pr.Responder(league=HAIDIAN), TODAY))


def test_another_department_is_refused():
    with pytest.raises(Forbidden):
        pr.proposal.run([SUBMITTED], pr.AcceptProposal(pr.Responder(department="ZGH"), TODAY))


def test_not_accepted_needs_a_reason_and_ends_the_proposal():
    assert fields_of(pr.proposal, [SUBMITTED], pr.DeclineProposal(RSJ, TODAY)) == {"reason"}
    [declined] = pr.proposal.run([SUBMITTED], pr.DeclineProposal(RSJ, TODAY, "不属于本部门职责"))
    assert declined == pr.ProposalNotAccepted("p1", "不属于本部门职责", TODAY)
    with pytest.raises(RuleViolated, match="已立案"):
        pr.proposal.run([SUBMITTED, declined], pr.AnswerProposal(RSJ, TODAY, "答复"))


def test_steps_go_in_order():
    with pytest.raises(RuleViolated, match="已立案"):
        pr.proposal.run([SUBMITTED], pr.AnswerProposal(RSJ, TODAY, "答复"))
    with pytest.raises(RuleViolated, match="已提交"):
        pr.proposal.run([SUBMITTED, ACCEPTED], pr.AcceptProposal(RSJ, TODAY))
    with pytest.raises(RuleViolated, match="未找到"):
        pr.proposal.run([], pr.AcceptProposal(RSJ, TODAY))
