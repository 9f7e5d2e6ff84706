"""榜样选树 and 宣讲 (issue 19) — Given / When / Then (no IO): nomination with a checked profile that no event
carries, the nominee's own consent, selection into a year's list only with that consent, decline, withdrawal
(by staff, or the consent withdrawn), and talks recorded once per client id."""
from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import UTC, date, datetime

from services.stations.domain import role_model as rm
from tests.unit.refusals import refused_fields, refused_rule

AT = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
TODAY = date(2026, 12, 5)
NOMINATE = rm.Nominate(nomination_id="n1", youth_id="y1", district="110105", nominated_by="station_staff",
                       name="王小骑", photo_ref="photos/2026/rider-1.jpg", story="五年风雨无阻。\n帮助了三百位新骑手。",
                       at=AT)
NOMINATED = rm.Nominated(nomination_id="n1", youth_id="y1", district="110105", nominated_by="station_staff", at=AT)
CONSENTED = rm.ConsentGiven(nomination_id="n1", district="110105", at=AT)
SELECTED = rm.Selected(nomination_id="n1", district="110105", year=2026, at=AT)
TALK = rm.RecordTalk(talk_id="t1", venue_kind="PARK", place=" 望京 SOHO 园区 ", given_on=date(2026, 12, 1),
                     audience=120, today=TODAY)


def test_a_nomination_records_who_and_where_and_no_word_of_the_profile():
    events = rm.role_model.run([], NOMINATE)
    assert events == [NOMINATED]
    carried = {f.name for f in dataclasses.fields(events[0])}
    assert not carried & {"name", "photo_ref", "story"}


def test_a_profile_with_blank_story_control_characters_spaces_or_too_long_is_refused_naming_each_field():
    bad = replace(NOMINATE, story="  ", name="王\x07小骑", photo_ref="photos/a b.jpg", district="x")
    assert refused_fields(rm.role_model, [], bad) == {"story", "name", "photoRef", "district"}
    long = replace(NOMINATE, story="长" * (rm.STORY_MAX + 1), photo_ref="p" * (rm.PHOTO_MAX + 1))
    assert refused_fields(rm.role_model, [], long) == {"story", "photoRef"}
    assert rm.role_model.run([], replace(NOMINATE, story="长" * rm.STORY_MAX)) == [NOMINATED]  # the bound is allowed


def test_selection_needs_the_nominees_consent_first():
    assert refused_rule(rm.role_model, [NOMINATED], rm.Select(2026, AT, TODAY)) == "consent_required"
    given = [NOMINATED, *rm.role_model.run([NOMINATED], rm.AnswerConsent(True, AT))]
    assert given[-1] == CONSENTED
    assert rm.role_model.run(given, rm.AnswerConsent(True, AT)) == []  # said already
    assert rm.role_model.run(given, rm.Select(2026, AT, TODAY)) == [SELECTED]


def test_the_year_of_the_list_lies_within_a_year_of_today():
    given = [NOMINATED, CONSENTED]
    assert refused_fields(rm.role_model, given, rm.Select(2024, AT, TODAY)) == {"year"}
    assert refused_fields(rm.role_model, given, rm.Select(2028, AT, TODAY)) == {"year"}
    assert rm.role_model.run(given, rm.Select(2027, AT, TODAY))[0].year == 2027


def test_a_decision_is_made_once_and_a_decline_needs_a_reason():
    assert refused_fields(rm.role_model, [NOMINATED], rm.Decline(" ", AT)) == {"reason"}
    declined = rm.role_model.run([NOMINATED], rm.Decline("事迹材料不足", AT))
    assert declined == [rm.Declined(nomination_id="n1", district="110105", reason="事迹材料不足", at=AT)]
    given = [NOMINATED, CONSENTED, *declined]
    assert refused_rule(rm.role_model, given, rm.Select(2026, AT, TODAY)) == "already_decided"
    assert refused_rule(rm.role_model, given, rm.AnswerConsent(True, AT)) == "closed"


def test_withdrawing_consent_takes_a_selected_role_model_off_the_list():
    events = rm.role_model.run([NOMINATED, CONSENTED, SELECTED], rm.AnswerConsent(False, AT))
    assert events == [rm.ConsentRefused(nomination_id="n1", district="110105", withdrawn=True, at=AT),
                      rm.Withdrawn(nomination_id="n1", district="110105", year=2026, by="NOMINEE",
                                   reason="本人撤回公开同意", at=AT)]
    state = rm.role_model.fold([NOMINATED, CONSENTED, SELECTED, *events])
    assert (state.status, state.consent) == (rm.Status.WITHDRAWN, rm.Consent.REFUSED)


def test_a_refusal_before_selection_keeps_the_nomination_open_and_the_nominee_may_change_their_mind():
    refused = rm.role_model.run([NOMINATED], rm.AnswerConsent(False, AT))
    assert refused == [rm.ConsentRefused(nomination_id="n1", district="110105", withdrawn=False, at=AT)]
    assert refused_rule(rm.role_model, [NOMINATED, *refused], rm.Select(2026, AT, TODAY)) == "consent_required"
    assert rm.role_model.run([NOMINATED, *refused], rm.AnswerConsent(True, AT)) == [CONSENTED]


def test_staff_withdraw_with_a_reason_from_the_list_or_before_it_and_only_once():
    off = rm.role_model.run([NOMINATED, CONSENTED, SELECTED], rm.Withdraw("本人已离京", AT))
    assert off == [rm.Withdrawn(nomination_id="n1", district="110105", year=2026, by="STAFF", reason="本人已离京", at=AT)]
    assert rm.role_model.run([NOMINATED], rm.Withdraw("重复提名", AT))[0].year is None
    assert refused_rule(rm.role_model, [NOMINATED, CONSENTED, SELECTED, *off], rm.Withdraw("再撤", AT)) == "closed"


def test_a_talk_is_recorded_for_a_selected_role_model_once_per_client_id():
    given = [NOMINATED, CONSENTED, SELECTED]
    talk = rm.role_model.run(given, TALK)
    assert talk == [rm.TalkRecorded(nomination_id="n1", talk_id="t1", district="110105", venue_kind="PARK",
                                    place="望京 SOHO 园区", given_on=date(2026, 12, 1), audience=120)]
    assert rm.role_model.run([*given, *talk], TALK) == []  # a retried upload changes nothing
    assert refused_rule(rm.role_model, [*given, *talk], replace(TALK, audience=121)) == "already_recorded"
    assert rm.role_model.run([*given, *talk], replace(TALK, talk_id="t2"))[0].talk_id == "t2"


def test_a_talk_with_unknown_venue_blank_place_future_day_or_no_audience_is_refused_naming_each_field():
    given = [NOMINATED, CONSENTED, SELECTED]
    bad = replace(TALK, venue_kind="STADIUM", place=" ", given_on=date(2026, 12, 6), audience=0)
    assert refused_fields(rm.role_model, given, bad) == {"venueKind", "place", "givenOn", "audience"}
    assert refused_fields(rm.role_model, given, replace(TALK, audience=rm.AUDIENCE_MAX + 1)) == {"audience"}


def test_only_a_role_model_on_the_list_gives_recorded_talks():
    assert refused_rule(rm.role_model, [NOMINATED, CONSENTED], TALK) == "not_selected"
    withdrawn = rm.Withdrawn(nomination_id="n1", district="110105", year=2026, by="STAFF", reason="x", at=AT)
    assert refused_rule(rm.role_model, [NOMINATED, CONSENTED, SELECTED, withdrawn], TALK) == "not_selected"
    assert refused_rule(rm.role_model, [], TALK) == "not_found"
