"""Free text through the real write paths and back: rare CJK characters beyond the BMP, combining marks
(sent decomposed, stored and read back NFC), emoji, SQL and script injection strings — stored verbatim
(DOMAIN.md puts no character rule on names; they are data, not code) and read back identical through the
registry's own read and through the gateway; text over a field's maximum refused naming the field."""
from __future__ import annotations

import unicodedata

from services.branches.domain.rules import NAME_MAX as BRANCH_NAME_MAX
from services.registry.domain.rules import NAME_MAX, TEXT_MAX
from tests.integration.stations_support import caught_up
from tests.registry_support import YOUTH, data, gql, register
from tests.support import bearer

TEXTS = {
    "rare": "𠈌䶮𪚥龘",                            # Extension B / A / B and a BMP rarity: 4 code points
    "combining": "Zoe\u0308 Lu\u0308\u030c 阮",  # NFD as sent; read back as "Zoë Lǚ 阮"
    "emoji": "小明😀🚴‍♀️",
    "sql": "'); DROP TABLE youth;--",
    "script": "<script>alert(1)</script>",
}
UPDATE = "mutation($y: ID!, $i: UpdateYouthProfileInput!) { updateYouthProfile(id: $y, input: $i) { id position } }"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def refused(result: dict, field: str, limit: int) -> None:
    error = result["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION", error
    assert error["extensions"]["field"] == field and str(limit) in error["message"], error


async def test_a_persons_name_and_employer_are_stored_verbatim_in_nfc(gateway, registry, token):
    op = token("registry_operator")
    for kind, text in TEXTS.items():
        created = await register(gateway, op, name=text, employer=text)
        through_gateway = data(await gql(gateway, YOUTH, {"id": created["id"]}, token=op))["youth"]
        assert (through_gateway["name"], through_gateway["employer"]) == (nfc(text), nfc(text)), kind
        own = await registry.get(f"/youth/{created['id']}", headers=bearer(op))
        assert own.status_code == 200, own.text
        assert (own.json()["name"], own.json()["employer"]) == (nfc(text), nfc(text)), kind
    assert nfc(TEXTS["combining"]) == "Zoë Lǚ 阮" and len(nfc(TEXTS["rare"])) == 4


async def test_a_profile_update_normalises_too(gateway, token):
    op = token("registry_operator")
    created = await register(gateway, op)
    updated = data(await gql(gateway, UPDATE, {"y": created["id"], "i": {"employer": "Cafe\u0301 𪚥"}}, op))
    assert updated["updateYouthProfile"]["id"] == created["id"]
    assert data(await gql(gateway, YOUTH, {"id": created["id"]}, token=op))["youth"]["employer"] == "Café 𪚥"


async def test_text_over_the_maximum_is_refused_naming_the_field(gateway, token):
    op = token("registry_operator")
    at_limit = await register(gateway, op, name="𠈌" * NAME_MAX)  # code points, not UTF-16 units or bytes
    assert at_limit["id"]
    refused(await gql(gateway, "mutation($i: RegisterYouthInput!) { registerYouth(input: $i) { id } }",
                      {"i": _person(name="𠈌" * (NAME_MAX + 1))}, op), "name", NAME_MAX)
    refused(await gql(gateway, "mutation($i: RegisterYouthInput!) { registerYouth(input: $i) { id } }",
                      {"i": _person(employer="x" * (TEXT_MAX + 1))}, op), "employer", TEXT_MAX)
    refused(await gql(gateway, "mutation($i: RegisterYouthInput!) { registerYouth(input: $i) { id } }",
                      {"i": _person(wechat="w" * 201)}, op), "wechat", 200)  # the edge's bound on any text
    refused(await gql(gateway, FOUND, {"i": {"name": "团" * (BRANCH_NAME_MAX + 1), "kind": "COMMUNITY",
                                             "district": "110105"}}, token("admin")), "name", BRANCH_NAME_MAX)


FOUND = "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { id position } }"
BRANCHES = """query($p: String) { branches(district: "110105", minPosition: $p, first: 100) { nodes { id name } } }"""
PROGRAMME = """mutation($n: String!) { createProgramme(name: $n, kind: "RIDER_DIPLOMA", district: "110105",
    startsOn: "2026-03-01") { id position } }"""
PROGRAMMES = """{ programmes(district: "110105", first: 100) { nodes { id name } } }"""


async def test_branch_and_programme_names_round_trip_through_the_gateway(gateway, token):
    admin = token("admin")
    branches, programmes, positions, founded_at = {}, {}, [], []
    for text in TEXTS.values():
        founded = data(await gql(gateway, FOUND, {"i": {"name": f"{text}团支部", "kind": "COMMUNITY",
                                                        "district": "110105"}}, admin))["foundBranch"]
        branches[founded["id"]] = nfc(f"{text}团支部")
        founded_at.append(founded["position"])  # each branch's stream may lie on another partition too
        created = data(await gql(gateway, PROGRAMME, {"n": f"{text}学堂"}, admin))["createProgramme"]
        programmes[created["id"]] = nfc(f"{text}学堂")
        positions.append(created["position"])  # each programme's stream may lie on another partition
    for position in founded_at[:-1]:  # a position holds for its own stream only
        await gql(gateway, BRANCHES, {"p": position}, admin)
    listed = data(await gql(gateway, BRANCHES, {"p": founded_at[-1]}, admin))["branches"]["nodes"]
    assert {b["id"]: b["name"] for b in listed if b["id"] in branches} == branches
    await caught_up(gateway, admin, positions)
    listed = data(await gql(gateway, PROGRAMMES, {}, admin))["programmes"]["nodes"]
    assert {p["id"]: p["name"] for p in listed if p["id"] in programmes} == programmes


def _person(**overrides) -> dict:
    from tests.registry_support import person

    return person(**overrides)
