"""Agreements, schemas and the AsyncAPI document: checked without servers."""
from __future__ import annotations

import copy
import itertools
import json
from datetime import date

import pytest
import yaml

from contracts.agencies import AGENCIES
from contracts.partners import PARTNER_TYPES
from contracts.partners import PartnerYouthMessages as Msg
from contracts.registry import YouthEvents as Youth
from contracts.registry import share_with
from services.partners import agreements as files
from services.partners import asyncapi
from services.partners import domain as d

AGREEMENTS = files.load()


def test_every_agency_has_a_valid_agreement():
    assert sorted(a.agency for a in AGREEMENTS) == sorted(AGENCIES)


@pytest.mark.parametrize("change, message", [
    ({"agency": "POLICE"}, "unknown agency 'POLICE'"),
    ({"consent_purpose": "REGISTRATION"}, "consent_purpose must be 'SHARE_WITH_AGENCY:HRSS'"),
    ({"events": {"xq.partner.youth.deleted.v1": {"fields": ["district"]}}}, "unknown event type"),
    ({"events": {Msg.REGISTERED: {"fields": ["district", "mobile"]}}}, "field(s) ['mobile'] may not be shared"),
    ({"events": {Msg.REGISTERED: {"fields": ["youth_id"]}}}, "field(s) ['youth_id'] may not be shared"),
    ({"events": {Msg.ERASED: {"fields": ["subject_id"]}}}, "always sent"),
    ({"fields": ["district"]}, "unknown key(s) ['fields']"),
    ({"referrals": {"categories": ["PARKING"], "fields": []}}, "referrals: unknown categor(ies) ['PARKING']"),
    ({"referrals": {"categories": ["LABOUR_DISPUTE"], "fields": ["summary", "mobile"]}},
     "referrals: field(s) ['mobile'] may not be referred"),
    ({"referrals": {"categories": ["LABOUR_DISPUTE"]}}, "exactly 'categories' and 'fields'"),
])
def test_an_invalid_agreement_refuses_to_start_naming_the_problem(tmp_path, change, message):
    doc = yaml.safe_load((files.AGREEMENTS_DIR / "hrss.yaml").read_text())
    (tmp_path / "hrss.yaml").write_text(yaml.safe_dump({**doc, **change}, allow_unicode=True))
    with pytest.raises(files.AgreementError, match="hrss.yaml") as refused:
        files.load(tmp_path)
    assert message in str(refused.value)


def test_the_publisher_app_refuses_to_start_with_an_invalid_agreement(tmp_path):
    from services.partners.app import create_app

    (tmp_path / "women.yaml").write_text("agency: WOMEN\nname: 妇联\npurpose: x\nconsent_purpose: "
                                         "SHARE_WITH_AGENCY:WOMEN\nevents: {xq.registry.youth.registered.v1: "
                                         "{fields: [district]}}\n")
    with pytest.raises(files.AgreementError, match="women.yaml: unknown event type"):
        create_app(agreements_dir=tmp_path)


def test_every_message_the_rules_can_produce_validates_against_its_schema():
    """All agreements × a life with every internal event type: each message is valid and in its agreement."""
    keys = d.Pseudonymiser(b"s" * 32)
    youth = "9d2f0c1e-1111-4222-8333-444455556666"
    consents = [share_with(a) for a in AGENCIES]
    life = [
        (Youth.REGISTERED, {"youth_id": youth, "district": "110105", "youth_type": "NEW_BUSINESS", "subtype": "COURIER",
                          "is_minor": True, "age_band": "16-17", "registered_on": "2026-11-01",
                          "consents": ["REGISTRATION", *consents[:3]]}),
        (Youth.CONSENT_GIVEN, {"youth_id": youth, "purpose": consents[3]}),
        (Youth.PROFILE_UPDATED, {"youth_id": youth, "changed": ["district", "subtype", "youth_type", "employer_kind"],
                               "district": "110108", "subtype": "DELIVERY_RIDER", "youth_type": "NEW_GROUP",
                               "employer_kind": "PLATFORM"}),
        (Youth.CONSENT_WITHDRAWN, {"youth_id": youth, "purpose": consents[0], "withdrawn_on": "2026-11-20"}),
        (Youth.CONSENT_GIVEN, {"youth_id": youth, "purpose": consents[4]}),
        (Youth.ERASED, {"youth_id": youth, "erased_on": "2026-11-28"}),
    ]
    person, produced = d.Person(youth), []
    for event_type, data in life:
        person, out = d.react(AGREEMENTS, keys, person, event_type, data, date(2026, 11, 29))
        produced += out
    assert {m.type for m in produced} == set(d.PARTNER_TYPES)
    by_agency = {a.agency: a for a in AGREEMENTS}
    for m in produced:
        assert asyncapi.problems(m.type, m.data) == [], (m.type, m.data)
        assert m.type in d.ENDINGS or m.type in by_agency[m.agency].events
        granted = by_agency[m.agency].events.get(m.type, frozenset())
        assert set(m.data) - {"subject_id", "changed", "withdrawn_on", "erased_on"} <= granted


def test_schemas_are_closed_and_refuse_personal_fields():
    for t in PARTNER_TYPES:
        assert asyncapi.schema(t)["additionalProperties"] is False
        assert asyncapi.problems(t, {"subject_id": "hrss-" + "0" * 40, "name": "王小明"})


def test_current_schemas_are_backward_compatible_with_the_published_ones():
    published = sorted(p.stem for p in asyncapi.PUBLISHED.glob("*.json"))
    assert published == sorted(PARTNER_TYPES)  # youth, referrals, replies and dead letters
    for t in published:
        assert asyncapi.incompatibilities(asyncapi.schema(t, asyncapi.PUBLISHED), asyncapi.schema(t)) == [], t


@pytest.mark.parametrize("edit, problem", [
    (lambda s: s["properties"].pop("district"), "district: field removed"),
    (lambda s: s["properties"]["is_minor"].update(type="string"), "is_minor.: type narrowed"),
    (lambda s: s["properties"]["youth_type"].update(maxLength=10), "youth_type.: maxLength tightened"),
    (lambda s: s["properties"]["youth_type"].update(enum=["NEW_BUSINESS"]), "youth_type.: enum narrowed"),
    (lambda s: s["required"].append("district"), "newly required ['district']"),
])
def test_the_compatibility_check_catches_narrowing(edit, problem):
    published = asyncapi.schema(Msg.REGISTERED, asyncapi.PUBLISHED)
    current = copy.deepcopy(published)
    edit(current)
    assert any(problem in p for p in asyncapi.incompatibilities(published, current)), problem


def test_widening_is_compatible():
    published = asyncapi.schema(Msg.PROFILE_UPDATED, asyncapi.PUBLISHED)
    current = copy.deepcopy(published)
    current["properties"]["league_branch"] = {"type": "string"}
    current["properties"]["changed"]["items"]["enum"].append("league_branch")
    current["properties"]["is_minor"]["type"] = ["boolean", "null"]
    assert asyncapi.incompatibilities(published, current) == []


def test_the_asyncapi_document_is_generated_from_the_agreements_and_schemas():
    assert asyncapi.ASYNCAPI.read_text(encoding="utf-8") == asyncapi.render(AGREEMENTS), \
        "regenerate: python -m services.partners.asyncapi > deploy/contracts/asyncapi.yaml"
    doc = yaml.safe_load(asyncapi.ASYNCAPI.read_text(encoding="utf-8"))
    for a in AGREEMENTS:
        channel = next(c for c in doc["channels"].values() if c["address"] == a.topic())
        names = {doc["components"]["messages"][ref["$ref"].rsplit("/", 1)[1]]["name"]
                 for ref in channel["messages"].values()}
        assert names == {*a.events, *d.ENDINGS}


def test_schema_files_are_plain_json():
    for path in itertools.chain(asyncapi.SCHEMAS.glob("*.json"), asyncapi.PUBLISHED.glob("*.json")):
        json.loads(path.read_text())


def test_the_referral_sections_are_read_by_stations_as_the_partners_service_checks_them():
    from chassis import referral_terms
    terms = referral_terms.load()
    assert {"HRSS", "JUSTICE"} <= set(terms) and "GOVSERVICE" not in terms  # no section: no referrals
    hrss = terms["HRSS"]
    assert "LABOUR_DISPUTE" in hrss.categories and hrss.allows("summary") and hrss.allows("case_ref")
    assert not terms["UNION"].allows("subject_id") and not terms["UNION"].allows("contact")
