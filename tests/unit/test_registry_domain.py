"""Registry rules, Given events / When command / Then events (no IO)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chassis.errors import RuleViolated, ValidationFailed
from contracts.registry import Gender
from services.registry.domain.commands import RegisterYouth
from services.registry.domain.decider import youth
from services.registry.domain.events import YouthRegistered, codec
from services.registry.identity import normalize_mobile

TODAY = date(2026, 11, 29)
REGISTER = RegisterYouth(youth_id="y1", name="王小明", gender=Gender.MALE, birth_date=date(2001, 3, 4),
                         mobile="13800138000", district="110105", youth_type="NEW_BUSINESS",
                         subtype="DELIVERY_RIDER", consents=("REGISTRATION",), today=TODAY)


def fields_of(exc: ValidationFailed) -> set[str]:
    return {e.field for e in exc.errors}


def rule_of(given, command) -> str:
    """The rule a refused command names (the registry's tests: Given events / When command / Then refused)."""
    with pytest.raises(RuleViolated) as refused:
        youth.run(given, command)
    return refused.value.details["rule"]


def test_registering_a_new_youth_records_public_and_personal_parts():
    [event] = youth.run([], REGISTER)
    assert event == YouthRegistered(youth_id="y1", district="110105", youth_type="NEW_BUSINESS",
                                    subtype="DELIVERY_RIDER", is_minor=False, age_band="23-28",
                                    registered_on=TODAY, consents=["REGISTRATION"],
                                    league_age=True,
                                    name="王小明", gender="MALE",
                                    birth_date=date(2001, 3, 4), mobile="+8613800138000")


def test_registering_twice_is_refused():
    given = youth.run([], REGISTER)
    with pytest.raises(RuleViolated) as refused:
        youth.run(given, REGISTER)
    assert refused.value.details["rule"] == "already_registered"


@pytest.mark.parametrize("birth, ok, minor", [
    (date(2010, 11, 30), False, None),  # 15, one day short of 16
    (date(2010, 11, 29), True, True),   # 16 today: a minor
    (date(2008, 11, 29), True, False),  # 18 today
    (date(1991, 11, 29), True, False),  # 35 today
    (date(1990, 11, 30), True, False),  # 35, one day before 36
    (date(1990, 11, 29), False, None),  # 36 today
    (date(2027, 1, 1), False, None),    # not born yet
])
def test_age_must_be_16_to_35_on_the_registration_date(birth, ok, minor):
    command = replace(REGISTER, birth_date=birth)
    if ok:
        [event] = youth.run([], command)
        assert event.is_minor is minor
    else:
        with pytest.raises(ValidationFailed) as refused:
            youth.run([], command)
        assert fields_of(refused.value) == {"birthDate"}


@pytest.mark.parametrize("raw, e164", [
    ("13800138000", "+8613800138000"), ("+8613800138000", "+8613800138000"),
    ("008613800138000", "+8613800138000"), ("138 0013 8000", "+8613800138000"),
    ("19912345678", "+8619912345678"),
    ("12800138000", None), ("1380013800", None), ("138001380001", None), ("+85213800138000", None), ("", None),
    ("1380013800X", None),
])
def test_mobile_numbers_are_normalised_to_e164_or_refused(raw, e164):
    assert normalize_mobile(raw) == e164


def test_every_bad_field_is_named_at_once():
    command = replace(REGISTER, name=" ", mobile="123", district="310101", subtype="STREAMER", consents=())
    with pytest.raises(ValidationFailed) as refused:
        youth.run([], command)
    assert fields_of(refused.value) == {"name", "mobile", "district", "subtype", "consents"}
    assert all(e.message for e in refused.value.errors)


def test_unknown_type_and_subtype_are_refused():
    with pytest.raises(ValidationFailed) as refused:
        youth.run([], replace(REGISTER, youth_type="ASTRONAUT", subtype="PILOT"))
    assert fields_of(refused.value) == {"youthType", "subtype"}


def test_names_are_stored_in_nfc():
    decomposed = "e\u0301"  # é as e + combining acute
    [event] = youth.run([], replace(REGISTER, name=f"李{decomposed}"))
    assert event.name == "李\u00e9"


def test_state_keeps_profile_for_operators():
    state = youth.fold(youth.run([], REGISTER))
    assert state.exists and state.profile["mobile"] == "+8613800138000"


def test_codec_keeps_personal_fields_out_of_the_public_payload():
    [event] = youth.run([], REGISTER)
    event_type, public, private = codec.encode(event)
    assert event_type == "xq.registry.youth.registered.v1"
    assert not {"name", "gender", "birth_date", "mobile"} & set(public)
    assert b"+8613800138000" in private and "王小明".encode() in private
    assert codec.decode(event_type, public, private) == event
    erased = codec.decode(event_type, {**public, **codec.erased_placeholder(event_type)})
    assert erased.name is None and erased.mobile is None and erased.district == "110105"
