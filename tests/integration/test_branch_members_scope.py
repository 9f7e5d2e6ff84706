"""Issue 15: the member list of a branch is filtered by the caller's district in SQL, also while the branch's own
row is not projected yet (membership events may be applied before the branch's), on the real gateway database.
The read model is written directly, in the state a projection can leave it in between two topics."""
from __future__ import annotations

import uuid
from datetime import date

import pytest

from gateway.app import create_app as create_gateway
from tests.registry_support import data, gql
from tests.support import running, service_db

MEMBERS = "query M($b: ID!) { branchMembers(branchId: $b) { nodes { youthId district } } }"


@pytest.fixture(scope="module")
async def gateway(settings):
    async with running(create_gateway(settings)) as client:
        yield client


async def test_members_of_a_branch_not_yet_projected_are_only_shown_to_their_district(gateway, settings, token):
    branch, member = str(uuid.uuid4()), str(uuid.uuid4())
    async with service_db(settings, "gateway") as conn:
        await conn.execute("INSERT INTO br_members (youth_id, branch_id, district, joined_on, via) "
                           "VALUES ($1, $2, '110108', $3, 'APPLICATION')", member, branch, date(2026, 5, 4))
        assert await conn.fetchval("SELECT count(*) FROM br_branches WHERE branch_id = $1", branch) == 0
    other = data(await gql(gateway, MEMBERS, {"b": branch}, token("branch_secretary", "110105")))
    assert other["branchMembers"]["nodes"] == []
    own = data(await gql(gateway, MEMBERS, {"b": branch}, token("branch_secretary", "110108")))
    assert own["branchMembers"]["nodes"] == [{"youthId": member, "district": "110108"}]
    city = data(await gql(gateway, MEMBERS, {"b": branch}, token("admin")))
    assert city["branchMembers"]["nodes"] == own["branchMembers"]["nodes"]
