"""The validation matrix: ID numbers (GB 11643-1999), birth date and gender agreement, masks, league age."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from chassis.errors import ValidationFailed
from services.registry import identity
from services.registry.domain.commands import RegisterYouth
from services.registry.domain.decider import youth
from services.registry.domain.state import league_age_until

TODAY = date(2026, 11, 29)
# Valid GB 11643 numbers for people of registry age (check digits computed by the rule in DOMAIN.md).
FEMALE_X = "11010519950807008X"   # born 1995-08-07, 17th digit 8 → female, check character X
MALE = "110105200103040013"       # born 2001-03-04, 17th digit 1 → male


def command(**overrides) -> RegisterYouth:
    base = RegisterYouth(youth_id="y1", name="王小明", gender="MALE", birth_date=date(2001, 3, 4),
                         mobile="13800138000", district="110105", youth_type="NEW_BUSINESS",
                         subtype="DELIVERY_RIDER", consents=("REGISTRATION",), today=TODAY, id_number=MALE)
    return replace(base, **overrides)


def refused_rules(cmd: RegisterYouth) -> dict[str, str]:
    with pytest.raises(ValidationFailed) as refused:
        youth.run([], cmd)
    return {e.field: e.rule for e in refused.value.errors}


@pytest.mark.parametrize("number", ["11010519491231002X", "440524188001010014", FEMALE_X, MALE])
def test_known_valid_numbers_pass_the_check_digit(number):
    assert identity.id_check_char(number[:17]) == number[17]
    assert identity.id_number_problem(number, None, None) is None


def test_the_fixtures_are_what_they_claim():
    assert identity.id_check_char(FEMALE_X[:17]) == "X" and identity.id_check_char(MALE[:17]) == "3"


@pytest.mark.parametrize("number, rule", [
    ("110105200103040014", "check_digit"),       # last digit off by one
    ("11010519950807008Y", "format"),             # not a digit nor X
    ("1101052001030400", "format"),               # too short
    ("110105200102300011", "birth_date"),         # 30 February
    ("110105200113040011", "birth_date"),         # month 13
])
def test_bad_id_numbers_are_refused_with_the_rule(number, rule):
    assert refused_rules(command(id_number=number)) == {"idNumber": rule}


def test_lower_case_x_is_accepted_and_stored_upper_case():
    [event] = youth.run([], command(id_number=FEMALE_X.lower(), gender="FEMALE", birth_date=date(1995, 8, 7)))
    assert event.id_number == FEMALE_X


def test_birth_date_must_match_the_id_number():
    assert refused_rules(command(birth_date=date(2001, 3, 5))) == {"idNumber": "birth_date_mismatch"}


def test_gender_must_match_the_seventeenth_digit():
    assert refused_rules(command(gender="FEMALE")) == {"idNumber": "gender_mismatch"}


def test_id_number_is_optional():
    [event] = youth.run([], command(id_number=None))
    assert event.id_number is None


@pytest.mark.parametrize("birth, ok, minor", [
    (date(2010, 11, 30), False, None),  # 15
    (date(2010, 11, 29), True, True),   # 16 today
    (date(2009, 11, 30), True, True),   # 16, the day before 17
    (date(1990, 11, 30), True, False),  # 35
    (date(1990, 11, 29), False, None),  # 36 today
])
def test_age_matrix_15_16_35_36(birth, ok, minor):
    cmd = command(birth_date=birth, id_number=None)
    if ok:
        assert youth.run([], cmd)[0].is_minor is minor
    else:
        assert refused_rules(cmd) == {"birthDate": "age_range"}


@pytest.mark.parametrize("raw, ok", [("+86 138-0013-8000", True), ("0086 13800138000", True), ("23800138000", False),
                                      ("1380013800", False), ("+8513800138000", False)])
def test_mobile_formats(raw, ok):
    if ok:
        assert youth.run([], command(mobile=raw))[0].mobile == "+8613800138000"
    else:
        assert refused_rules(command(mobile=raw)) == {"mobile": "format"}


def test_masks_hide_the_middle():
    assert identity.mask_id_number("11010519491231002X") == "110105********002X"
    assert identity.mask_mobile("+8613800138000") == "+86138****8000"


@pytest.mark.parametrize("birth, start, until", [
    (date(2001, 3, 4), date(2015, 3, 4), date(2030, 3, 3)),
    (date(2000, 2, 29), date(2014, 3, 1), date(2029, 2, 28)),   # 29 Feb: birthdays on 1 March in common years
    (date(1996, 2, 29), date(2010, 3, 1), date(2025, 2, 28)),
])
def test_league_age_runs_from_the_14th_birthday_to_the_day_before_the_29th(birth, start, until):
    assert identity.league_age(birth) == (start, until)
    [event] = youth.run([], command(birth_date=birth, id_number=None))
    assert league_age_until(youth.fold([event])) == until  # kept inside the registry
    assert event.league_age == (start <= TODAY <= until)  # only the flag is published


def test_optional_profile_fields_are_checked():
    rules = refused_rules(command(education="PHD", needs=("MONEY",), employer_kind="GUILD",
                                  consents=("REGISTRATION", "SHARE_WITH_AGENCY:NASA")))
    assert rules == {"education": "enum", "needs": "enum", "employerKind": "enum", "consents": "enum"}


def test_refusals_never_repeat_a_personal_value():
    """Messages reach screens, logs and the import's error file: the birth date read from the ID number and the
    person's age are not in them (issue 15)."""
    too_young = command(birth_date=date(2015, 6, 1), id_number=None)
    mismatch = command(birth_date=date(2001, 3, 5))
    for cmd, hidden in ((too_young, ("11", "2015")), (mismatch, ("2001-03-04", "2001", "0304"))):
        with pytest.raises(ValidationFailed) as refused:
            youth.run([], cmd)
        text = refused.value.message + " ".join(e.message for e in refused.value.errors)
        assert refused.value.errors and not any(h in text for h in hidden), text
