"""The chassis text rule (chassis/text.py) through the real write paths: blank or control-character text in a
field of every service is refused — over HTTP by the service's ApiModel (422 naming the field by its camelCase
path and the rule), through GraphQL by the gateway before any resolver (VALIDATION naming the argument) — and
nothing is stored: the service's event store holds no more events than before."""
from __future__ import annotations

import pytest

from tests.integration.stations_support import CREATE_STATION, station_input
from tests.registry_support import gql, person
from tests.support import bearer, service_db

BLANK, ESCAPE, OVERRIDE, NEWLINE = "　 ", "团\x1b[31m", "团\u202egnp.exe", "一行\n两行"
REGISTER = "mutation($i: RegisterYouthInput!) { registerYouth(input: $i) { id } }"
FOUND = "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { id } }"
BRANCH = {"name": "文字规则团支部", "kind": "COMMUNITY", "district": "110105"}


async def events(settings, service: str) -> int:
    async with service_db(settings, service) as conn:
        return int(await conn.fetchval("SELECT count(*) FROM events"))


def refused_http(response, field: str, rule: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "VALIDATION" and {"field": field, "rule": rule} in [
        {"field": e["field"], "rule": e["rule"]} for e in body["errors"]], body
    assert field in body["message"]


def refused_gql(result: dict, field: str, rule: str) -> None:
    assert "data" not in result or not any((result.get("data") or {}).values()), result
    error = result["errors"][0]
    assert (error["extensions"]["code"], error["extensions"]["field"], error["extensions"]["rule"]) == (
        "VALIDATION", field, rule), error
    assert field in error["message"]


@pytest.mark.parametrize("field, value, rule", [
    ("name", BLANK, "blank"), ("name", ESCAPE, "control"), ("employer", "", "blank"),
    ("wechat", OVERRIDE, "control"), ("name", NEWLINE, "control")])
async def test_registry_refuses_bad_text_over_http_and_stores_nothing(registry, settings, token, field, value,
                                                                       rule):
    before = await events(settings, "registry")
    answer = await registry.post("/youth", json=person(**{field: value}), headers=bearer(token("registry_operator")))
    refused_http(answer, field, rule)
    assert await events(settings, "registry") == before


async def test_registry_refuses_bad_text_through_graphql(gateway, settings, token):
    before = await events(settings, "registry")
    op = token("registry_operator")
    refused_gql(await gql(gateway, REGISTER, {"i": person(name=BLANK)}, op), "input.name", "blank")
    refused_gql(await gql(gateway, REGISTER, {"i": person(employer="x\x00y")}, op), "input.employer", "control")
    assert await events(settings, "registry") == before


async def test_branches_refuse_bad_text_over_http_and_through_graphql(branches, gateway, settings, token):
    admin = token("admin")
    before = await events(settings, "branches")
    refused_http(await branches.post("/branches", json={**BRANCH, "name": OVERRIDE}, headers=bearer(admin)),
                 "name", "control")
    refused_http(await branches.post("/joint-meetings", headers=bearer(admin), json={
        "level": "CITY", "heldOn": "2026-03-01", "attending": ["TSW"], "topics": ["就业", " "],
        "decisions": [{"text": "第一条\n第二条", "items": [{"title": BLANK, "assigneeKind": "DEPARTMENT",
                                                          "assignee": "TSW", "dueOn": "2026-04-01"}]}]}),
                 "topics.1", "blank")
    refused_gql(await gql(gateway, FOUND, {"i": {**BRANCH, "name": ESCAPE}}, admin), "input.name", "control")
    literal = 'mutation { foundBranch(input: {name: "  ", kind: COMMUNITY, district: "110105"}) { id } }'
    refused_gql(await gql(gateway, literal, None, admin), "input.name", "blank")
    assert await events(settings, "branches") == before


async def test_a_nested_field_is_named_by_its_path(branches, token):
    answer = await branches.post("/joint-meetings", headers=bearer(token("admin")), json={
        "level": "CITY", "heldOn": "2026-03-01", "attending": ["TSW"], "topics": ["就业"],
        "decisions": [{"text": "第一条\n第二条", "items": [{"title": ESCAPE, "assigneeKind": "DEPARTMENT",
                                                          "assignee": "TSW", "dueOn": "2026-04-01"}]}]})
    refused_http(answer, "decisions.0.items.0.title", "control")  # the decision's multi-line text passes


async def test_stations_refuse_bad_text_over_http_and_through_graphql(stations, gateway, settings, token):
    admin = token("admin")
    before = await events(settings, "stations")
    good = station_input("文字规则驿站", 39.9, 116.4)
    refused_http(await stations.post("/stations", json={**good, "address": BLANK}, headers=bearer(admin)),
                 "address", "blank")
    refused_http(await stations.post("/stations", json={**good, "openingHours": "9:00\t21:00"},
                                     headers=bearer(admin)), "openingHours", "control")
    refused_gql(await gql(gateway, CREATE_STATION, {"input": {**good, "name": OVERRIDE}}, admin),
                "input.name", "control")
    assert await events(settings, "stations") == before


async def test_a_gateway_only_argument_obeys_the_rule(gateway, token):
    admin = token("admin")
    refused_gql(await gql(gateway, "query($d: String) { dashboard(district: $d) { district } }", {"d": BLANK},
                          admin), "district", "blank")
    refused_gql(await gql(gateway, '{ stations(district: "110105\\u0000", first: 5) { nodes { id } } }', None,
                          admin), "district", "control")
    fine = await gql(gateway, "query($d: String) { dashboard(district: $d) { district } }", {"d": None}, admin)
    assert "errors" not in fine, fine  # absent / null is fine
