"""Cases (求助个案): the life of a case, Given / When / Then, and its deadlines by category and urgency."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from chassis.clock import BEIJING
from chassis.codec import EventCodec
from chassis.errors import RuleViolated, ValidationFailed
from services.stations.config import StationsConfig
from services.stations.domain import case
from services.stations.domain.appeal import Window
from services.stations.domain.case import DEFAULT_DEADLINES, windows_for

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=BEIJING)


def at(hours: float = 0, days: int = 0) -> datetime:
    return T0 + timedelta(hours=hours, days=days)


def open_case(**overrides) -> case.OpenCase:
    fields = dict(case_id="c1", source="WALK_IN", category="LABOUR_DISPUTE", urgency="NORMAL", district="110105",
                  summary="  骑手被平台扣款，公司拒绝支付加班费  ", at=T0, deadlines=DEFAULT_DEADLINES,
                  station_id="s1", youth_id="y1")
    return case.OpenCase(**(fields | overrides))


def opened(**overrides) -> list:
    return case.case.run([], open_case(**overrides))


def given(*commands) -> list:
    """The events of `commands` decided one after the other on a fresh case."""
    events: list = []
    for command in commands:
        events += case.case.run(events, command)
    return events


TRIAGE = case.TriageCase("LABOUR_DISPUTE", "NORMAL", "朝阳区维权服务站", at(2), DEFAULT_DEADLINES)
TAKES = frozenset({"LABOUR_DISPUTE"})  # what the agencies' agreements take, here
REFER = case.ReferCase("HRSS", consent=True, at=at(3), takes=TAKES)


def test_opening_a_walk_in_sets_both_deadlines_from_category_and_urgency():
    [event] = opened()
    assert isinstance(event, case.CaseOpened)
    assert event.summary == "骑手被平台扣款，公司拒绝支付加班费"
    assert event.first_response_due == at(24)  # NORMAL: first response within 24 h
    assert event.resolve_due == at(days=30)      # LABOUR_DISPUTE/NORMAL overrides NORMAL's 15 days


def test_urgency_shortens_the_deadlines_and_a_category_without_its_own_setting_takes_the_urgencys():
    [event] = opened(category="HOUSING", urgency="URGENT")
    assert (event.first_response_due, event.resolve_due) == (at(4), at(days=3))
    [event] = opened(category="PSYCHOLOGICAL", urgency="CRITICAL")
    assert (event.first_response_due, event.resolve_due) == (at(1), at(24))


def test_the_summary_is_the_only_personal_field_and_never_in_the_public_payload():
    [event] = opened()
    _, public, private = EventCodec(*case.EVENTS).encode(event)
    assert "summary" not in public and b"\xe9\xaa\x91" in private  # 骑 is sealed, not published
    assert public["youth_id"] == "y1" and public["category"] == "LABOUR_DISPUTE"


def test_opening_refuses_bad_input_field_by_field():
    with pytest.raises(ValidationFailed) as refused:
        case.case.run([], open_case(category="GOSSIP", urgency="SOON", district="999999", summary=" "))
    assert {e.field for e in refused.value.errors} == {"category", "urgency", "district", "summary"}
    with pytest.raises(ValidationFailed) as refused:
        case.case.run([], open_case(source="APPEAL"))
    assert [e.field for e in refused.value.errors] == ["appealId"]


def test_a_case_is_opened_once_and_one_appeal_makes_one_case():
    with pytest.raises(RuleViolated) as refused:
        case.case.run(opened(), open_case())
    assert refused.value.details["rule"] == "already_opened"
    assert case.case_id_for_appeal("a1") == case.case_id_for_appeal("a1") != case.case_id_for_appeal("a2")


def test_the_whole_loop_walk_in_to_rating():
    events = given(open_case(), TRIAGE, REFER, case.RecordAgencyAnswer(True, "", at(5)),
                   case.StartMediation(at(days=2)), case.ResolveCase("SETTLED", at(days=10)),
                   case.RateCase(5, at(days=11)))
    assert [type(e).__name__ for e in events] == ["CaseOpened", "CaseTriaged", "CaseReferred", "AgencyAccepted",
                                                  "MediationStarted", "CaseResolved", "CaseRated"]
    triaged, resolved = events[1], events[5]
    assert triaged.in_time and triaged.assignee == "朝阳区维权服务站"
    assert resolved.in_time and events[3].agency == "HRSS"
    assert case.case.fold(events).status == "RATED"


def test_a_referral_without_the_youths_consent_to_it_is_refused_with_the_rule():
    with pytest.raises(RuleViolated) as refused:
        given(open_case(), TRIAGE, case.ReferCase("HRSS", consent=False, at=at(3), takes=TAKES))
    assert refused.value.details["rule"] == "consent_required" and "同意" in refused.value.message


def test_a_referral_needs_a_known_agency_and_a_triaged_case():
    with pytest.raises(ValidationFailed):
        given(open_case(), TRIAGE, case.ReferCase("FBI", consent=True, at=at(3), takes=TAKES))
    with pytest.raises(RuleViolated) as refused:
        given(open_case(), REFER)
    assert refused.value.details["rule"] == "not_referable"


def test_a_declined_referral_may_go_to_another_agency():
    events = given(open_case(), TRIAGE, REFER, case.RecordAgencyAnswer(False, "不属受理范围", at(4)),
                   case.ReferCase("JUSTICE", consent=True, at=at(5), takes=TAKES), case.RecordAgencyAnswer(True, "", at(6)),
                   case.GrantAid(at(7)), case.ResolveCase("AID_GIVEN", at(8)))
    assert events[3].reason == "不属受理范围" and events[4].agency == "JUSTICE"
    assert case.case.fold(events).status == "RESOLVED"


def test_an_agency_answer_without_a_referral_and_a_declination_without_reason_are_refused():
    with pytest.raises(RuleViolated):
        given(open_case(), TRIAGE, case.RecordAgencyAnswer(True, "", at(4)))
    with pytest.raises(ValidationFailed):
        given(open_case(), TRIAGE, REFER, case.RecordAgencyAnswer(False, " ", at(4)))


def test_mediation_needs_the_agencys_acceptance():
    with pytest.raises(RuleViolated) as refused:
        given(open_case(), TRIAGE, REFER, case.StartMediation(at(4)))
    assert refused.value.details["rule"] == "not_accepted"


def test_resolution_outcome_rating_range_and_order():
    with pytest.raises(ValidationFailed):
        given(open_case(), case.ResolveCase("FIXED", at(1)))
    resolved = given(open_case(), case.ResolveCase("WITHDRAWN", at(1)))  # withdrawn before triage: fine
    with pytest.raises(ValidationFailed):
        given(open_case(), case.ResolveCase("WITHDRAWN", at(1)), case.RateCase(6, at(2)))
    with pytest.raises(RuleViolated) as refused:
        case.case.run(resolved, case.ResolveCase("SETTLED", at(2)))
    assert refused.value.details["rule"] == "already_resolved"
    with pytest.raises(RuleViolated) as refused:
        given(open_case(), case.RateCase(4, at(1)))
    assert refused.value.details["rule"] == "not_resolved"


def test_a_step_before_the_case_was_opened_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        given(open_case(), case.TriageCase("CAREER", "NORMAL", "x", at(-1), DEFAULT_DEADLINES))
    assert refused.value.errors[0].rule == "before_opened"


def test_a_step_dated_before_the_cases_latest_step_is_refused():
    """Staff may date a step they took earlier, but not before the step it follows: a case resolved on day 10
    cannot be reopened "on day 9", which would let a reopening slip into the 30 days long after they passed."""
    done = given(open_case(category="CAREER"), TRIAGE, case.ResolveCase("ADVICE_GIVEN", at(days=10)))
    with pytest.raises(ValidationFailed) as refused:
        case.case.run(done, case.ReopenCase("问题未解决", at(days=9), DEFAULT_DEADLINES))
    assert (refused.value.errors[0].field, refused.value.errors[0].rule) == ("at", "before_previous_step")
    with pytest.raises(ValidationFailed):
        case.case.run(done, case.RateCase(5, at(days=9, hours=23)))
    assert case.case.run(done, case.RateCase(5, at(days=10)))  # the same moment is in order


def test_an_overdue_mark_is_no_step_so_a_step_taken_before_it_may_still_be_recorded():
    events = given(open_case(), case.MarkOverdue(at(25)))  # the job saw no first response after 24 h
    [triaged] = case.case.run(events, case.TriageCase("LABOUR_DISPUTE", "NORMAL", "x", at(20), DEFAULT_DEADLINES))
    assert isinstance(triaged, case.CaseTriaged) and triaged.in_time  # taken at 20 h, recorded late


def test_a_triage_that_gives_a_later_deadline_clears_the_reminder_of_the_earlier_one():
    critical = given(open_case(category="PSYCHOLOGICAL", urgency="CRITICAL"), case.MarkOverdue(at(25)))
    assert case.case.fold(critical).resolution_overdue  # CRITICAL: resolve within 24 h, passed
    relaxed = [*critical, *case.case.run(critical, case.TriageCase("PSYCHOLOGICAL", "NORMAL", "x", at(26),
                                                                   DEFAULT_DEADLINES))]
    state = case.case.fold(relaxed)
    assert not state.resolution_overdue and state.resolve_due > at(26)
    [again] = case.case.run(relaxed, case.MarkOverdue(state.resolve_due + timedelta(hours=1)))
    assert isinstance(again, case.ResolutionOverdue) and again.due == state.resolve_due


def test_reopen_within_30_days_of_resolution_gives_a_fresh_window_and_not_after():
    done = given(open_case(category="CAREER"), TRIAGE, case.ResolveCase("ADVICE_GIVEN", at(days=1)),
                 case.RateCase(2, at(days=2)))
    [reopened] = case.case.run(done, case.ReopenCase("问题未解决", at(days=31), DEFAULT_DEADLINES))
    assert reopened.resolve_due == at(days=61)  # the triaged category's window, from the reopening
    assert "reason" not in EventCodec(*case.EVENTS).encode(reopened)[1]  # the youth's words: sealed
    assert case.case.fold([*done, reopened]).status == "TRIAGED"
    with pytest.raises(RuleViolated) as refused:
        case.case.run(done, case.ReopenCase("问题未解决", at(days=31, hours=1), DEFAULT_DEADLINES))
    assert refused.value.details["rule"] == "reopen_window_passed"
    with pytest.raises(RuleViolated):
        given(open_case(), case.ReopenCase("?", at(1), DEFAULT_DEADLINES))


def test_overdue_reminders_once_each_and_none_for_what_was_done_in_time():
    events = opened()
    assert case.case.run(events, case.MarkOverdue(at(23))) == []
    [late] = case.case.run(events, case.MarkOverdue(at(25)))
    assert isinstance(late, case.FirstResponseOverdue) and late.due == at(24)
    events = [*events, late]
    assert case.case.run(events, case.MarkOverdue(at(26))) == []  # said once
    [resolution] = case.case.run(events, case.MarkOverdue(at(days=31)))
    assert isinstance(resolution, case.ResolutionOverdue)
    triaged_in_time = given(open_case(), TRIAGE)
    assert case.case.run(triaged_in_time, case.MarkOverdue(at(25))) == []
    resolved = given(open_case(), TRIAGE, case.ResolveCase("ADVICE_GIVEN", at(3)))
    assert case.case.run(resolved, case.MarkOverdue(at(days=90))) == []


def test_late_triage_is_recorded_as_not_in_time():
    events = given(open_case(), case.TriageCase("CAREER", "NORMAL", "x", at(30), DEFAULT_DEADLINES))
    assert events[1].in_time is False and events[1].resolve_due == at(days=15)  # CAREER/NORMAL from opening


def test_steps_on_a_case_that_does_not_exist_are_refused():
    with pytest.raises(RuleViolated) as refused:
        case.case.run([], TRIAGE)
    assert refused.value.details["rule"] == "not_found"


def test_settings_override_a_category_or_an_urgency_and_refuse_unknown_keys():
    config = StationsConfig(case_deadlines={"URGENT": ["2h", "2d"], "HOUSING/NORMAL": ["8h", "20d"]})
    deadlines = config.case_deadline_windows()
    assert windows_for(deadlines, "CAREER", "URGENT") == (Window(hours=2), Window(days=2))
    assert windows_for(deadlines, "HOUSING", "NORMAL") == (Window(hours=8), Window(days=20))
    assert windows_for(deadlines, "LABOUR_DISPUTE", "NORMAL") == (Window(hours=24), Window(days=30))
    for bad in ({"SOON": ["1h", "1d"]}, {"GOSSIP/NORMAL": ["1h", "1d"]}, {"URGENT": ["1w", "1d"]}):
        with pytest.raises(ValueError):
            StationsConfig(case_deadlines=bad)
