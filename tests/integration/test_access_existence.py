"""Ids of another district and ids of nothing answer the same: a caller cannot learn which ids exist
outside its district (docs/HARDENING.md, "Access"). With real aggregates in 海淀区 (110108) and callers
scoped to 朝阳区 (110105): the role's own operation answers FORBIDDEN (rule "district") with the same
message for an existing id and an unknown one; a role without the operation answers FORBIDDEN (rule
"role") whatever the id; a city-wide caller gets NOT_FOUND for an id of nothing."""
from __future__ import annotations

import uuid

import pytest

from tests.integration.stations_support import create_station
from tests.registry_support import data, gql, refusal, register
from tests.support import CHAOYANG as OWN
from tests.support import HAIDIAN as OTHER

RENAME = "mutation($b: ID!) { renameBranch(branchId: $b, name: \"新名字\") { id } }"
STATUS = "mutation($s: ID!) { changeStationStatus(stationId: $s, status: TEMPORARILY_CLOSED, reason: \"检修\") { id } }"
UPDATE = "mutation($y: ID!) { updateYouthProfile(id: $y, input: {employer: \"某平台\"}) { id } }"
READ = "query($y: ID!) { youth(id: $y) { id } }"


@pytest.fixture(scope="module")
async def elsewhere(gateway, token):
    """A branch, a station and a person of 海淀区, created city-wide."""
    admin = token("admin")
    branch = data(await gql(gateway, "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { id } }",
                            {"i": {"name": "海淀测试团支部", "kind": "COMMUNITY", "district": OTHER}}, admin))
    station = await create_station(gateway, admin, "海淀驿站", 39.96, 116.30, district=OTHER)
    person = await register(gateway, admin, district=OTHER)
    return {"branch": branch["foundBranch"]["id"], "station": station["id"], "youth": person["id"]}


@pytest.mark.parametrize("role, query, var, key", [
    ("branch_secretary", RENAME, "b", "branch"),
    ("station_staff", STATUS, "s", "station"),
    ("registry_operator", UPDATE, "y", "youth"),
    ("registry_operator", READ, "y", "youth"),
])
async def test_another_districts_id_and_an_id_of_nothing_answer_alike(gateway, token, elsewhere, role, query, var,
                                                                    key):
    scoped = token(role, OWN)
    existing = refusal(await gql(gateway, query, {var: elsewhere[key]}, scoped))
    unknown = refusal(await gql(gateway, query, {var: str(uuid.uuid4())}, scoped))
    assert existing == unknown
    assert existing[:2] == ("FORBIDDEN", "district")
    for outsider in ("partner", "department_viewer"):  # no such role: FORBIDDEN before any look-up
        assert refusal(await gql(gateway, query, {var: elsewhere[key]}, token(outsider, OWN)))[:2] == ("FORBIDDEN", "role")
    city = await gql(gateway, query, {var: str(uuid.uuid4())}, token("admin"))
    assert refusal(city)[0] == "NOT_FOUND"
