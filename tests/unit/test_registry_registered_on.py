"""The day a person registered, when given (a survey's own date, an operator typing in yesterday's form):
Given no record / When RegisterYouth with `registered_on` / Then the event carries that day, or the field is
named with its rule and nothing is decided (pure decider, no IO)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chassis.errors import ValidationFailed
from services.registry.domain.commands import RegisterYouth
from services.registry.domain.decider import youth
from services.registry.domain.events import codec

TODAY = date(2026, 11, 29)
BORN = date(2008, 6, 15)  # 16 on 2024-06-15, 18 on 2026-06-15, league age (14–28) throughout
REGISTER = RegisterYouth(youth_id="y1", name="王小明", gender="MALE", birth_date=BORN, mobile="13800138000",
                         district="110105", youth_type="NEW_BUSINESS", subtype="DELIVERY_RIDER",
                         consents=("REGISTRATION",), today=TODAY)


def refused(command: RegisterYouth) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        youth.run([], command)
    return {e.field: e.rule for e in caught.value.errors}


def test_without_a_date_the_person_registers_today():
    [event] = youth.run([], REGISTER)
    assert event.registered_on == TODAY and event.is_minor is False and event.age_band == "18-22"


def test_a_past_registration_day_is_kept_and_the_figures_are_of_that_day():
    [event] = youth.run([], replace(REGISTER, registered_on=date(2025, 12, 1)))
    assert event.registered_on == date(2025, 12, 1)
    assert (event.is_minor, event.age_band, event.league_age) == (True, "16-17", True)  # 17 on that day
    state = youth.fold([event])
    assert state.registered_on == date(2025, 12, 1)
    assert state.consents["REGISTRATION"]["given_on"] == date(2025, 12, 1)  # consented on the survey


def test_today_given_explicitly_is_the_same_as_none():
    assert youth.run([], replace(REGISTER, registered_on=TODAY)) == youth.run([], REGISTER)


@pytest.mark.parametrize("day, ok", [
    (date(2024, 6, 15), True),    # the 16th birthday
    (date(2024, 6, 14), False),   # the day before
    (date(2001, 1, 1), False),    # before the person was born
])
def test_the_registration_day_is_never_before_the_person_was_16(day, ok):
    command = replace(REGISTER, registered_on=day)
    if ok:
        assert youth.run([], command)[0].registered_on == day
    else:
        errors = refused(command)
        assert errors == {"registeredOn": "before_min_age"}


def test_the_registration_day_is_never_in_the_future():
    assert refused(replace(REGISTER, registered_on=date(2026, 11, 30))) == {"registeredOn": "future"}


def test_someone_too_young_even_today_is_refused_on_the_birth_date_not_the_registration_day():
    assert refused(replace(REGISTER, birth_date=date(2011, 1, 1), registered_on=date(2026, 1, 1))) == {
        "birthDate": "age_range"}


def test_over_35_on_the_registration_day_is_refused_but_36_today_is_not():
    born = date(1990, 6, 1)  # 36 today, 35 until 2026-05-31
    assert youth.run([], replace(REGISTER, birth_date=born, registered_on=date(2026, 5, 31)))
    assert refused(replace(REGISTER, birth_date=born, registered_on=date(2026, 6, 1))) == {"birthDate": "age_range"}


def test_the_messages_name_the_rule_in_chinese_and_never_the_persons_dates():
    with pytest.raises(ValidationFailed) as caught:
        youth.run([], replace(REGISTER, registered_on=date(2024, 1, 1)))
    [error] = caught.value.errors
    assert "16 周岁" in error.message and "2008" not in error.message and "2024" not in error.message


def test_an_old_event_decodes_with_its_own_registration_day():
    """Events written before the date could be given carry the day they were recorded as `registered_on`:
    they decode unchanged, and the read models count them by it."""
    [event] = youth.run([], REGISTER)
    event_type, public, _ = codec.encode(event)
    assert public["registered_on"] == TODAY.isoformat()
    assert codec.decode(event_type, public).registered_on == TODAY
