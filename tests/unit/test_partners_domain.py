"""Partner publisher rules, Given (person view) / When (internal event) / Then (partner messages)."""
from __future__ import annotations

from datetime import date

import pytest

from contracts.partners import PartnerYouthMessages as Msg
from contracts.registry import YouthEvents as Youth
from services.partners import domain as d
from services.partners.domain import Agreement, Person, Pseudonymiser, react

HRSS = Agreement("HRSS", "人力社保局", "社保", {Msg.REGISTERED: frozenset({"district", "subtype"}),
                                            Msg.PROFILE_UPDATED: frozenset({"district"})})
JUSTICE = Agreement("JUSTICE", "司法局", "法律援助", {Msg.REGISTERED: frozenset({"district"})})
AGREEMENTS = [HRSS, JUSTICE]
KEYS = Pseudonymiser(b"k" * 32)
TODAY = date(2026, 11, 29)
YOUTH = "3f1c9a2e-0000-4000-8000-000000000001"


def registered(*consents: str, **extra) -> dict:
    return {"youth_id": YOUTH, "district": "110105", "youth_type": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER",
            "is_minor": False, "age_band": "23-28", "registered_on": "2026-11-01",
            "consents": ["REGISTRATION", *consents], "league_age": True, **extra}


def run(*given: tuple[str, dict], when: tuple[str, dict]) -> tuple[Person, list[d.PartnerMessage]]:
    person = Person(YOUTH)
    for event_type, data in given:
        person, _ = react(AGREEMENTS, KEYS, person, event_type, data, TODAY)
    return react(AGREEMENTS, KEYS, person, *when, TODAY)


def test_registered_with_consent_reaches_only_that_agency_with_only_its_fields():
    _, out = run(when=(Youth.REGISTERED, registered("SHARE_WITH_AGENCY:HRSS", name="王小明", mobile="+8613800138000")))
    assert [(m.agency, m.type) for m in out] == [("HRSS", Msg.REGISTERED)]
    subject = KEYS.subject("HRSS", YOUTH)
    assert out[0].subject == subject
    assert out[0].data == {"subject_id": subject, "district": "110105", "subtype": "DELIVERY_RIDER"}


def test_without_agency_consent_nothing_is_shared():
    _, out = run(when=(Youth.REGISTERED, registered()))
    assert out == []


def test_pseudonyms_differ_per_agency_and_never_contain_the_youth_id():
    hrss, justice = KEYS.subject("HRSS", YOUTH), KEYS.subject("JUSTICE", YOUTH)
    assert hrss != justice and YOUTH not in hrss + justice
    assert hrss == Pseudonymiser(b"k" * 32).subject("HRSS", YOUTH)  # stable: the agency can follow a person
    assert hrss != Pseudonymiser(b"x" * 32).subject("HRSS", YOUTH)  # keyed: not guessable without the secret


def test_consent_given_later_shares_the_current_profile():
    _, out = run((Youth.REGISTERED, registered()),
                 (Youth.PROFILE_UPDATED, {"youth_id": YOUTH, "changed": ["district"], "district": "110108"}),
                 when=(Youth.CONSENT_GIVEN, {"youth_id": YOUTH, "purpose": "SHARE_WITH_AGENCY:JUSTICE",
                                           "notice_version": "v1", "channel": "APP", "given_on": "2026-11-02"}))
    assert [(m.agency, m.type, m.data["district"]) for m in out] == [("JUSTICE", Msg.REGISTERED, "110108")]


def test_profile_update_goes_only_to_agencies_whose_agreement_has_the_type_and_the_field():
    both = (Youth.REGISTERED, registered("SHARE_WITH_AGENCY:HRSS", "SHARE_WITH_AGENCY:JUSTICE"))
    _, out = run(both, when=(Youth.PROFILE_UPDATED, {"youth_id": YOUTH, "changed": ["district", "mobile"],
                                                   "district": "110108"}))
    assert [(m.agency, m.type) for m in out] == [("HRSS", Msg.PROFILE_UPDATED)]
    assert out[0].data == {"subject_id": KEYS.subject("HRSS", YOUTH), "district": "110108", "changed": ["district"]}
    _, out = run(both, when=(Youth.PROFILE_UPDATED, {"youth_id": YOUTH, "changed": ["subtype"], "subtype": "COURIER"}))
    assert out == []  # HRSS's agreement grants no subtype in updates


def test_withdrawal_sends_one_notice_then_nothing():
    given = [(Youth.REGISTERED, registered("SHARE_WITH_AGENCY:HRSS", "SHARE_WITH_AGENCY:JUSTICE"))]
    withdraw = (Youth.CONSENT_WITHDRAWN, {"youth_id": YOUTH, "purpose": "SHARE_WITH_AGENCY:HRSS",
                                        "withdrawn_on": "2026-11-20"})
    person, out = run(*given, when=withdraw)
    assert [(m.agency, m.type, m.data) for m in out] == [
        ("HRSS", Msg.CONSENT_WITHDRAWN, {"subject_id": KEYS.subject("HRSS", YOUTH), "withdrawn_on": "2026-11-20"})]
    after, more = react(AGREEMENTS, KEYS, person, Youth.PROFILE_UPDATED,
                        {"youth_id": YOUTH, "changed": ["district"], "district": "110101"}, TODAY)
    assert [m.agency for m in more] == []  # JUSTICE gets no updates; HRSS no longer anything
    _, again = react(AGREEMENTS, KEYS, after, *withdraw, TODAY)
    assert again == []  # no second notice


def test_deactivation_ends_sharing_with_every_agency():
    _, out = run((Youth.REGISTERED, registered("SHARE_WITH_AGENCY:HRSS", "SHARE_WITH_AGENCY:JUSTICE")),
                 when=(Youth.DEACTIVATED, {"youth_id": YOUTH, "reason": "REGISTRATION consent withdrawn"}))
    assert sorted((m.agency, m.type, m.data["withdrawn_on"]) for m in out) == [
        ("HRSS", Msg.CONSENT_WITHDRAWN, "2026-11-29"), ("JUSTICE", Msg.CONSENT_WITHDRAWN, "2026-11-29")]


def test_reactivation_shares_the_person_again_with_each_agency_they_consent_to():
    """Deactivated, every agency was told consent-withdrawn; reactivated, each agency whose sharing consent
    the person still holds gets their allowed profile again, as at registration."""
    person, _ = run((Youth.REGISTERED, registered("SHARE_WITH_AGENCY:HRSS")),
                    (Youth.DEACTIVATED, {"youth_id": YOUTH, "reason": "REGISTRATION_CONSENT_WITHDRAWN"}),
                    when=(Youth.CONSENT_GIVEN, {"youth_id": YOUTH, "purpose": "REGISTRATION"}))
    assert not person.active
    after, out = react(AGREEMENTS, KEYS, person, Youth.REACTIVATED, {"youth_id": YOUTH}, TODAY)
    assert after.active and [(m.agency, m.type) for m in out] == [("HRSS", Msg.REGISTERED)]
    assert out[0].subject == KEYS.subject("HRSS", YOUTH)


def test_erasure_reaches_every_agency_that_ever_received_the_person_and_ends_everything():
    given = [(Youth.REGISTERED, registered("SHARE_WITH_AGENCY:HRSS", "SHARE_WITH_AGENCY:JUSTICE")),
             (Youth.CONSENT_WITHDRAWN, {"youth_id": YOUTH, "purpose": "SHARE_WITH_AGENCY:JUSTICE",
                                      "withdrawn_on": "2026-11-10"})]
    person, out = run(*given, when=(Youth.ERASED, {"youth_id": YOUTH, "erased_on": "2026-11-28"}))
    assert sorted((m.agency, m.type) for m in out) == [("HRSS", Msg.ERASED)]
    assert person.erased and person.profile == {} and person.consents == frozenset()
    for later in ((Youth.REGISTERED, registered("SHARE_WITH_AGENCY:HRSS")),
                  (Youth.CONSENT_GIVEN, {"youth_id": YOUTH, "purpose": "SHARE_WITH_AGENCY:HRSS"})):
        assert react(AGREEMENTS, KEYS, person, *later, TODAY)[1] == []


def test_a_short_secret_is_refused():
    with pytest.raises(ValueError, match="32 bytes"):
        Pseudonymiser(b"short")
