"""Referral to an agency and its replies, Given / When / Then: consent to this referral (and, separately, to
giving the contact), the agreement's categories, and what each reply does — or why it changes nothing."""
from __future__ import annotations

import pytest

from chassis.errors import RuleViolated, ValidationFailed
from contracts.partners import ReplyMessages as Reply
from services.stations.domain import case
from tests.unit.test_case_domain import TAKES, TRIAGE, at, given, open_case


def refer(agency: str = "HRSS", **kwargs) -> case.ReferCase:
    return case.ReferCase(agency, **({"consent": True, "at": at(3), "takes": TAKES} | kwargs))


def reply(kind: str, agency: str = "HRSS", hours: float = 4, **details) -> case.AgencyReply:
    return case.AgencyReply(agency, kind, at(hours), **details)


def refused(*commands) -> RuleViolated:
    with pytest.raises(RuleViolated) as caught:
        given(*commands)
    return caught.value


def test_without_consent_to_this_referral_it_is_refused_naming_the_field_and_rule():
    error = refused(open_case(), TRIAGE, refer(consent=False))
    assert (error.details["rule"], error.details["field"]) == ("consent_required", "consent")
    assert "人力社保局" in error.message and "本次转介" in error.message


def test_a_new_referral_after_a_decline_asks_for_consent_again():
    declined = given(open_case(), TRIAGE, refer(), reply(Reply.DECLINED, reason="不属受理范围"))
    error = refused(open_case(), TRIAGE, refer(), reply(Reply.DECLINED, reason="不属受理范围"),
                    refer("JUSTICE", consent=False, at=at(5)))
    assert error.details["rule"] == "consent_required" and case.case.fold(declined).status == "DECLINED"


def test_an_agency_whose_agreement_does_not_take_the_category_gets_no_referral():
    error = refused(open_case(), TRIAGE, refer(takes=frozenset({"HOUSING"})))
    assert (error.details["rule"], error.details["field"]) == ("category_not_taken", "agency")


def test_the_contact_goes_only_with_its_own_consent():
    with pytest.raises(ValidationFailed) as caught:
        given(open_case(), TRIAGE, refer(contact="13800138000"))
    assert (caught.value.errors[0].field, caught.value.errors[0].rule) == ("contact", "contact_consent_required")
    with pytest.raises(ValidationFailed):
        given(open_case(), TRIAGE, refer(share_contact=True, contact=" "))
    [*_, referred] = given(open_case(), TRIAGE, refer(share_contact=True, contact=" 13800138000 "))
    assert (referred.contact_shared, referred.contact) == (True, "13800138000")


def test_accepted_then_settled_resolves_the_case_and_the_agency_status_follows():
    events = given(open_case(), TRIAGE, refer(), reply(Reply.ACCEPTED),
                   reply(Reply.IN_PROGRESS, hours=5, stage="HANDLING"),
                   reply(Reply.MEDIATION_RESULT, hours=6, result="SETTLED"))
    state = case.case.fold(events)
    assert (state.status, state.outcome, state.agency_status) == ("RESOLVED", "SETTLED", "CLOSED")
    assert [type(e).__name__ for e in events[3:]] == ["AgencyAccepted", "AgencyReported", "CaseResolved"]


def test_mediation_aid_and_closing_map_to_the_cases_own_steps():
    events = given(open_case(), TRIAGE, refer(), reply(Reply.ACCEPTED), reply(Reply.IN_PROGRESS, stage="MEDIATION"),
                   reply(Reply.MEDIATION_RESULT, result="NOT_SETTLED"), reply(Reply.AID_DECISION, result="GRANTED"),
                   reply(Reply.CLOSED, outcome="AID_GIVEN"))
    assert [type(e).__name__ for e in events[3:]] == [
        "AgencyAccepted", "MediationStarted", "AgencyReported", "AidGranted", "CaseResolved"]
    assert case.case.fold(events).outcome == "AID_GIVEN"


def test_a_reply_from_another_agency_than_the_one_referred_to_changes_nothing():
    error = refused(open_case(), TRIAGE, refer(), reply(Reply.ACCEPTED, agency="JUSTICE"))
    assert error.details["rule"] == "not_referred_to_agency"
    assert refused(open_case(), TRIAGE, reply(Reply.ACCEPTED)).details["rule"] == "not_referred_to_agency"


def test_a_reply_out_of_order_is_refused():
    assert refused(open_case(), TRIAGE, refer(),
                   reply(Reply.MEDIATION_RESULT, result="SETTLED")).details["rule"] == "out_of_order"
    assert refused(open_case(), TRIAGE, refer(), reply(Reply.ACCEPTED),
                   reply(Reply.MEDIATION_RESULT, result="NOT_SETTLED")).details["rule"] == "out_of_order"
    assert refused(open_case(), TRIAGE, refer(), reply(Reply.ACCEPTED),
                   reply(Reply.ACCEPTED, hours=5)).details["rule"] == "not_referred"
