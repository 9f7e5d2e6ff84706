"""The end of league age, Given/When/Then: the registry records it once, by the month, never by the day
(the last day of league age is the birth date in disguise)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from services.registry.domain.commands import EndLeagueAge, EraseYouth, WithdrawConsent
from services.registry.domain.decider import youth
from services.registry.domain.events import LeagueAgeEnded, codec
from tests.unit.test_registry_domain import REGISTER, rule_of

BIRTH = date(1998, 3, 4)  # league age ends 2027-03-03
REGISTERED = youth.run([], replace(REGISTER, birth_date=BIRTH, today=date(2026, 12, 1)))


def test_the_end_of_league_age_is_recorded_in_the_month_after_it_ended():
    [event] = youth.run(REGISTERED, EndLeagueAge(date(2027, 4, 1)))
    assert event == LeagueAgeEnded(youth_id="y1", ended_on=date(2027, 4, 1))
    _, public, _ = codec.encode(event)
    assert public == {"youth_id": "y1", "ended_on": "2027-04-01"}
    assert youth.fold([*REGISTERED, event]).league_age_ended


@pytest.mark.parametrize("today", [date(2027, 3, 3), date(2027, 3, 4), date(2027, 3, 31)])
def test_not_before_the_month_after_so_the_day_reveals_no_birthday(today):
    assert rule_of(REGISTERED, EndLeagueAge(today)) == "within_league_age"


def test_recording_twice_is_refused():
    given = [*REGISTERED, *youth.run(REGISTERED, EndLeagueAge(date(2027, 4, 1)))]
    assert rule_of(given, EndLeagueAge(date(2027, 5, 1))) == "league_age_already_ended"


def test_a_person_over_league_age_at_registration_has_nothing_left_to_record():
    [over] = youth.run([], replace(REGISTER, birth_date=date(1994, 1, 2), today=date(2026, 12, 1)))
    assert over.league_age is False
    assert rule_of([over], EndLeagueAge(date(2027, 4, 1))) == "league_age_already_ended"


def test_only_for_an_active_person():
    assert rule_of([], EndLeagueAge(date(2027, 4, 1))) == "not_registered"
    deactivated = [*REGISTERED, *youth.run(REGISTERED, WithdrawConsent("REGISTRATION", date(2027, 1, 1)))]
    assert rule_of(deactivated, EndLeagueAge(date(2027, 4, 1))) == "not_active"
    erased = [*REGISTERED, *youth.run(REGISTERED, EraseYouth(date(2027, 1, 1)))]
    assert rule_of(erased, EndLeagueAge(date(2027, 4, 1))) == "not_active"
