"""The person lifecycle, Given events / When command / Then events (no IO)."""
from __future__ import annotations

from datetime import date

import pytest

from chassis.errors import ValidationFailed
from services.registry.domain.commands import EraseYouth, GiveConsent, MergeInto, UpdateProfile, WithdrawConsent
from services.registry.domain.decider import youth
from services.registry.domain.events import (
    ConsentGiven,
    ConsentWithdrawn,
    YouthDeactivated,
    YouthErased,
    YouthMerged,
    YouthProfileUpdated,
    YouthReactivated,
    codec,
)
from tests.unit.test_registry_domain import REGISTER, rule_of

TODAY = date(2026, 12, 1)
REGISTERED = youth.run([], REGISTER)


def test_an_update_records_only_the_changed_fields_and_publishes_only_public_ones():
    [event] = youth.run(REGISTERED, UpdateProfile({"mobile": "+86 139 0000 0000", "district": "110105",
                                                    "subtype": "COURIER", "employer": "某某快递"}))
    assert event == YouthProfileUpdated(youth_id="y1", changed=["employer", "mobile", "subtype"], subtype="COURIER",
                                        mobile="+8613900000000", employer="某某快递")
    _, public, private = codec.encode(event)
    assert "mobile" not in public and "employer" not in public and public["subtype"] == "COURIER"
    assert b"+8613900000000" in private
    state = youth.fold([*REGISTERED, event])
    assert state.profile["mobile"] == "+8613900000000" and state.subtype == "COURIER"


def test_an_update_that_changes_nothing_records_nothing():
    assert youth.run(REGISTERED, UpdateProfile({"district": "110105", "mobile": "13800138000"})) == []


def test_bad_updates_name_the_field():
    with pytest.raises(ValidationFailed) as refused:
        youth.run(REGISTERED, UpdateProfile({"mobile": "123", "subtype": "STREAMER", "name": "x"}))
    assert {e.field for e in refused.value.errors} == {"mobile", "subtype", "name"}


def test_consent_for_an_agency_and_withdrawal():
    given = [*REGISTERED, *youth.run(REGISTERED, GiveConsent("SHARE_WITH_AGENCY:HRSS", "v2", "APP", TODAY))]
    assert youth.fold(given).consents["SHARE_WITH_AGENCY:HRSS"]["notice_version"] == "v2"
    assert rule_of(given, GiveConsent("SHARE_WITH_AGENCY:HRSS", "v2", "APP", TODAY)) == "already_given"
    [withdrawn] = youth.run(given, WithdrawConsent("SHARE_WITH_AGENCY:HRSS", TODAY))
    assert withdrawn == ConsentWithdrawn(youth_id="y1", purpose="SHARE_WITH_AGENCY:HRSS", withdrawn_on=TODAY)
    assert rule_of([*given, withdrawn], WithdrawConsent("SHARE_WITH_AGENCY:HRSS", TODAY)) == "not_given"


def test_unknown_purpose_is_refused():
    with pytest.raises(ValidationFailed) as refused:
        youth.run(REGISTERED, GiveConsent("SHARE_WITH_AGENCY:NASA", "v1", "APP", TODAY))
    assert refused.value.errors[0].field == "purpose"


def test_withdrawing_registration_deactivates_and_giving_it_again_reactivates():
    events = youth.run(REGISTERED, WithdrawConsent("REGISTRATION", TODAY))
    assert events == [ConsentWithdrawn("y1", "REGISTRATION", TODAY),
                      YouthDeactivated("y1", "REGISTRATION_CONSENT_WITHDRAWN")]
    given = [*REGISTERED, *events]
    assert youth.fold(given).status == "DEACTIVATED"
    assert rule_of(given, UpdateProfile({"wechat": "abc"})) == "deactivated"
    again = youth.run(given, GiveConsent("REGISTRATION", "v1", "PAPER", TODAY))
    assert again == [ConsentGiven("y1", "REGISTRATION", "v1", "PAPER", TODAY), YouthReactivated("y1")]
    assert youth.fold([*given, *again]).status == "ACTIVE"
    # said once: an active record given the same consent under a new notice is not reactivated again
    assert youth.run([*given, *again], GiveConsent("REGISTRATION", "v2", "PAPER", TODAY)) == [
        ConsentGiven("y1", "REGISTRATION", "v2", "PAPER", TODAY)]


def test_a_record_reactivated_before_the_reactivation_event_existed_still_folds_active():
    deactivated = [*REGISTERED, *youth.run(REGISTERED, WithdrawConsent("REGISTRATION", TODAY))]
    assert youth.fold([*deactivated, ConsentGiven("y1", "REGISTRATION", "v1", "PAPER", TODAY)]).status == "ACTIVE"


def test_merge_records_the_survivor_and_closes_the_record():
    [merged] = youth.run(REGISTERED, MergeInto("y0", "ACTIVE"))
    assert merged == YouthMerged(youth_id="y1", into_youth_id="y0")
    given = [*REGISTERED, merged]
    assert rule_of(given, UpdateProfile({"wechat": "x"})) == "merged"
    assert rule_of(REGISTERED, MergeInto("y1", "ACTIVE")) == "merge_self"
    assert rule_of(REGISTERED, MergeInto("y0", None)) == "merge_target"
    assert rule_of(REGISTERED, MergeInto("y0", "ERASED")) == "merge_target"


def test_erasure_is_terminal_and_empties_the_profile():
    [erased] = youth.run(REGISTERED, EraseYouth(TODAY))
    assert erased == YouthErased(youth_id="y1", erased_on=TODAY)
    given = [*REGISTERED, erased]
    state = youth.fold(given)
    assert state.status == "ERASED" and state.profile == {}
    assert rule_of(given, EraseYouth(TODAY)) == "already_erased"
    assert rule_of(given, UpdateProfile({"wechat": "x"})) == "erased"
    assert rule_of(given, GiveConsent("REGISTRATION", "v1", "PAPER", TODAY)) == "erased"


def test_nothing_but_registration_applies_to_an_unknown_person():
    assert rule_of([], UpdateProfile({"wechat": "x"})) == "not_registered"
    assert rule_of([], EraseYouth(TODAY)) == "not_registered"


def test_public_payloads_follow_the_contract():
    _, public, _ = codec.encode(REGISTERED[0])
    assert set(public) == {"youth_id", "district", "youth_type", "subtype", "is_minor", "age_band", "registered_on",
                           "consents", "league_age", "employer_kind", "notice_version", "channel"}
    assert public["league_age"] is True  # a flag: the league-age dates would give away the birth date
