"""Applications for 筑梦空间 internships (issue 19) — Given / When / Then (no IO): a young person applies, the
district's staff accept within the places or decline with a reason, the applicant withdraws before a decision,
and closing the offer ends the applications still pending."""
from __future__ import annotations

from datetime import UTC, datetime

from contracts.stations import ApplicationStatus
from services.stations.domain import internship as i
from tests.unit.refusals import refused_fields, refused_rule

AT = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
OFFERED = i.InternshipOffered(internship_id="i1", station_id="s1", district="110105", company="某文创公司",
                              title="视觉设计实习生", places=2)
IDS = {"internship_id": "i1", "district": "110105"}


def applied(aid: str, youth: str) -> i.InternshipApplied:
    return i.InternshipApplied(**IDS, application_id=aid, youth_id=youth, at=AT)


def test_a_young_person_applies_with_an_optional_note_that_never_goes_on_the_event():
    assert i.internship.run([OFFERED], i.ApplyForInternship("a1", "y1", " 想学视觉设计 ", AT)) == [applied("a1", "y1")]
    assert i.internship.run([OFFERED], i.ApplyForInternship("a1", "y1", None, AT)) == [applied("a1", "y1")]


def test_a_note_breaking_the_text_rule_or_too_long_is_refused_naming_the_field():
    assert refused_fields(i.internship, [OFFERED], i.ApplyForInternship("a1", "y1", " ", AT)) == {"note"}
    assert refused_fields(i.internship, [OFFERED], i.ApplyForInternship("a1", "y1", "a\x07b", AT)) == {"note"}
    long = "长" * (i.NOTE_MAX + 1)
    assert refused_fields(i.internship, [OFFERED], i.ApplyForInternship("a1", "y1", long, AT)) == {"note"}


def test_one_open_application_per_person_and_none_for_a_closed_or_missing_offer():
    given = [OFFERED, applied("a1", "y1")]
    assert refused_rule(i.internship, given, i.ApplyForInternship("a2", "y1", None, AT)) == "already_applied"
    closed = i.InternshipClosed(internship_id="i1", district="110105", places=2)
    assert refused_rule(i.internship, [OFFERED, closed], i.ApplyForInternship("a2", "y2", None, AT)) == "closed"
    assert refused_rule(i.internship, [], i.ApplyForInternship("a2", "y2", None, AT)) == "not_found"
    withdrawn = i.ApplicationWithdrawn(**IDS, application_id="a1", at=AT)
    assert i.internship.run([*given, withdrawn], i.ApplyForInternship("a2", "y1", None, AT)) == [applied("a2", "y1")]


def test_acceptances_never_exceed_the_places_and_a_full_internship_refuses_more():
    given: list = [OFFERED, applied("a1", "y1"), applied("a2", "y2"), applied("a3", "y3")]
    given += i.internship.run(given, i.AcceptApplication("a1", AT))
    given += i.internship.run(given, i.AcceptApplication("a2", AT))
    assert given[-1] == i.ApplicationAccepted(**IDS, application_id="a2", at=AT)
    assert i.internship.fold(given).accepted == 2
    assert refused_rule(i.internship, given, i.AcceptApplication("a3", AT)) == "internship_full"
    declined = i.internship.run(given, i.DeclineApplication("a3", " 名额已满 ", AT))  # still possible when full
    assert declined == [i.ApplicationDeclined(**IDS, application_id="a3", reason="名额已满", at=AT)]


def test_a_decision_is_made_once_and_declining_needs_a_reason():
    given = [OFFERED, applied("a1", "y1"), i.ApplicationAccepted(**IDS, application_id="a1", at=AT)]
    assert refused_rule(i.internship, given, i.DeclineApplication("a1", "改变主意", AT)) == "already_decided"
    assert refused_rule(i.internship, given, i.AcceptApplication("a1", AT)) == "already_decided"
    assert refused_fields(i.internship, [OFFERED, applied("a2", "y2")], i.DeclineApplication("a2", " ", AT)) == {
        "reason"}
    assert refused_rule(i.internship, [OFFERED], i.AcceptApplication("nothing", AT)) == "not_found"


def test_the_applicant_withdraws_before_a_decision_and_nobody_else_can():
    given = [OFFERED, applied("a1", "y1")]
    assert refused_rule(i.internship, given, i.WithdrawApplication("a1", "y2", AT)) == "not_found"
    withdrawn = i.internship.run(given, i.WithdrawApplication("a1", "y1", AT))
    assert withdrawn == [i.ApplicationWithdrawn(**IDS, application_id="a1", at=AT)]
    assert i.internship.fold([*given, *withdrawn]).applications["a1"].status is ApplicationStatus.WITHDRAWN
    accepted = [*given, i.ApplicationAccepted(**IDS, application_id="a1", at=AT)]
    assert refused_rule(i.internship, accepted, i.WithdrawApplication("a1", "y1", AT)) == "already_decided"


def test_closing_the_offer_ends_the_pending_applications_in_the_same_step():
    given = [OFFERED, applied("a1", "y1"), applied("a2", "y2"), applied("a3", "y3"),
             i.ApplicationAccepted(**IDS, application_id="a2", at=AT)]
    assert i.internship.run(given, i.CloseInternship()) == [
        i.InternshipClosed(internship_id="i1", district="110105", places=2),
        i.ApplicationEnded(**IDS, application_id="a1", reason="CLOSED"),
        i.ApplicationEnded(**IDS, application_id="a3", reason="CLOSED")]
    closed = [*given, *i.internship.run(given, i.CloseInternship())]
    assert {a: x.status for a, x in i.internship.fold(closed).applications.items()} == {
        "a1": ApplicationStatus.ENDED, "a2": ApplicationStatus.ACCEPTED, "a3": ApplicationStatus.ENDED}
    assert refused_rule(i.internship, closed, i.AcceptApplication("a1", AT)) == "already_decided"


def test_the_erasure_of_the_applicant_ends_their_pending_application_and_nothing_else():
    given = [OFFERED, applied("a1", "y1"), applied("a2", "y2"), i.ApplicationAccepted(**IDS, application_id="a2", at=AT)]
    ended = i.internship.run(given, i.EndForErasure("a1"))
    assert ended == [i.ApplicationEnded(**IDS, application_id="a1", reason="ERASED")]
    assert i.internship.run([*given, *ended], i.EndForErasure("a1")) == []  # a replayed erasure
    assert i.internship.run(given, i.EndForErasure("a2")) == []  # an accepted one stays accepted
