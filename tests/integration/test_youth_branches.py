"""A young person's own branch membership with their own token, on the real stack: join with the code on a
poster, ask to move, leave, apply; `me { memberships }`; and nothing on anyone else's membership."""
from __future__ import annotations

import uuid

import pytest

from tests.registry_support import code, data, gql, person
from tests.support import CHAOYANG, HAIDIAN, bearer, eventually, service_db

MEMBERSHIPS = "{ me { id memberships { status branchId branchName district transfer { toBranchId toBranchName } } } }"
JOIN = "mutation J($c: String!) { joinBranchWithCode(code: $c) { id version } }"
APPLY = "mutation A($b: ID!) { applyForMyMembership(branchId: $b) { id version } }"
TRANSFER = "mutation T($b: ID!) { requestMyTransfer(toBranchId: $b) { id version } }"
LEAVE = "mutation { leaveMyBranch { id version } }"


async def found(gateway, t: str, name: str, district: str) -> str:
    return data(await gql(gateway, "mutation F($i: FoundBranchInput!) { foundBranch(input: $i) { id } }",
                          {"i": {"name": name, "kind": "MOBILE", "district": district}}, t))["foundBranch"]["id"]


async def register_me(gateway, t: str) -> str:
    return data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                          {"i": person()}, t))["registerMe"]["id"]


async def memberships(gateway, t: str) -> list[dict]:
    return data(await gql(gateway, MEMBERSHIPS, token=t))["me"]["memberships"]


@pytest.fixture(scope="module")
async def branches_of(gateway, token):
    admin = token("admin")
    chaoyang = await found(gateway, admin, "朝阳骑手流动团支部", CHAOYANG)
    haidian = await found(gateway, admin, "海淀快递流动团支部", HAIDIAN)
    invitation = data(await gql(gateway, "mutation I($b: ID!) { issueInvitation(branchId: $b) { code } }",
                                {"b": chaoyang}, admin))["issueInvitation"]
    return {"chaoyang": chaoyang, "haidian": haidian, "code": invitation["code"]}


async def test_a_rider_joins_by_code_moves_leaves_and_applies_on_their_own(gateway, token, branches_of):
    rider = token("youth", subject="wx-branch-rider-1")
    youth_id = await register_me(gateway, rider)
    assert await memberships(gateway, rider) == []

    joined = data(await gql(gateway, JOIN, {"c": branches_of["code"].lower()}, rider))["joinBranchWithCode"]
    assert joined["id"] == youth_id
    assert await memberships(gateway, rider) == [{
        "status": "MEMBER", "branchId": branches_of["chaoyang"], "branchName": "朝阳骑手流动团支部",
        "district": CHAOYANG, "transfer": None}]
    again = await gql(gateway, JOIN, {"c": branches_of["code"]}, rider)
    assert code(again) == "RULE_VIOLATED" and again["errors"][0]["extensions"]["rule"] == "already_member"

    transfer_id = data(await gql(gateway, TRANSFER, {"b": branches_of["haidian"]}, rider))["requestMyTransfer"]["id"]
    [pending] = await memberships(gateway, rider)
    assert pending["transfer"] == {"toBranchId": branches_of["haidian"], "toBranchName": "海淀快递流动团支部"}
    data(await gql(gateway, "mutation A($y: ID!, $t: ID!) { approveTransfer(youthId: $y, transferId: $t) { id } }",
                   {"y": youth_id, "t": transfer_id}, token("branch_secretary", HAIDIAN)))
    [moved] = await memberships(gateway, rider)
    assert (moved["status"], moved["branchId"], moved["transfer"]) == ("MEMBER", branches_of["haidian"], None)

    assert data(await gql(gateway, LEAVE, token=rider))["leaveMyBranch"]["id"] == youth_id
    assert await memberships(gateway, rider) == []
    nothing_to_leave = await gql(gateway, LEAVE, token=rider)
    assert nothing_to_leave["errors"][0]["extensions"]["rule"] == "not_member"

    data(await gql(gateway, APPLY, {"b": branches_of["chaoyang"]}, rider))
    assert [(m["status"], m["branchId"]) for m in await memberships(gateway, rider)] == \
        [("APPLIED", branches_of["chaoyang"])]


async def test_an_unknown_branch_and_an_unregistered_account_answer_not_found(gateway, token, branches_of):
    rider = token("youth", subject="wx-branch-rider-2")
    await register_me(gateway, rider)
    for query in (APPLY, TRANSFER):
        assert code(await gql(gateway, query, {"b": str(uuid.uuid4())}, rider)) == "NOT_FOUND"
    unknown_code = await gql(gateway, JOIN, {"c": "NOSUCHCD"}, rider)
    assert unknown_code["errors"][0]["extensions"]["rule"] == "invitation_unknown"
    stranger = token("youth", subject="wx-never-registered")
    assert code(await gql(gateway, JOIN, {"c": branches_of["code"]}, stranger)) == "NOT_FOUND"
    assert code(await gql(gateway, LEAVE, token=stranger)) == "NOT_FOUND"


async def test_nobody_acts_on_another_persons_membership(gateway, branches, token, branches_of):
    alice, bob = token("youth", subject="wx-branch-alice"), token("youth", subject="wx-branch-bob")
    alice_id = await register_me(gateway, alice)
    await register_me(gateway, bob)
    data(await gql(gateway, JOIN, {"c": branches_of["code"]}, alice))
    # The staff mutations that name a person: FORBIDDEN for a youth token, whichever id it names.
    for query, variables in (
            ("mutation L($y: ID!) { leaveBranch(youthId: $y, reason: BY_REQUEST) { id } }", {"y": alice_id}),
            ("mutation J($y: ID!, $c: String!) { joinWithInvitation(youthId: $y, code: $c) { id } }",
             {"y": alice_id, "c": branches_of["code"]}),
            ("mutation A($y: ID!, $b: ID!) { applyForMembership(youthId: $y, branchId: $b) { id } }",
             {"y": alice_id, "b": branches_of["haidian"]})):
        for youth_id in (alice_id, str(uuid.uuid4())):
            result = await gql(gateway, query, {**variables, "y": youth_id}, bob)
            assert code(result) == "FORBIDDEN" and result["errors"][0]["extensions"]["rule"] == "role"
    # The branches service refuses a youth token on its staff routes itself, and a staff token on the own ones.
    answer = await branches.post(f"/memberships/{alice_id}/leave", json={"reason": "BY_REQUEST"}, headers=bearer(bob))
    assert answer.status_code == 403
    assert (await branches.post("/me/membership:leave", headers=bearer(token("admin")))).status_code == 403
    # Bob leaving touches Bob only: he has nothing to leave, Alice stays.
    assert (await gql(gateway, LEAVE, token=bob))["errors"][0]["extensions"]["rule"] == "not_member"
    assert [m["status"] for m in await memberships(gateway, alice)] == ["MEMBER"]
    staff = await gql(gateway, JOIN, {"c": branches_of["code"]}, token("branch_secretary", CHAOYANG))
    assert code(staff) == "FORBIDDEN"


async def join_new_branch(gateway, admin: str, youth: str, name: str, district: str) -> str:
    """A new branch of `district` (founded by `admin`) that the young person joins with its invitation code."""
    branch = await found(gateway, admin, name, district)
    code = data(await gql(gateway, "mutation I($b: ID!) { issueInvitation(branchId: $b) { code } }",
                          {"b": branch}, admin))["issueInvitation"]["code"]
    data(await gql(gateway, "mutation J($c: String!) { joinBranchWithCode(code: $c) { id } }", {"c": code}, youth))
    return branch


async def test_registration_consent_given_again_lets_the_person_join_again(gateway, settings, token, branches_of):
    """Withdrawing the REGISTRATION consent deactivates the record everywhere; giving it again must reactivate
    it everywhere too (branches once kept refusing such a person with youth_inactive for good)."""
    rider = token("youth", subject="wx-branch-rider-reactivated")
    youth_id = await register_me(gateway, rider)
    data(await gql(gateway, "mutation { withdrawMyConsent(purpose: REGISTRATION) { version } }", token=rider))

    async def status_in_branches(wanted: str) -> bool:
        async with service_db(settings, "branches") as conn:
            return await conn.fetchval("SELECT status FROM youth_facts WHERE youth_id = $1", youth_id) == wanted
    await eventually(lambda: status_in_branches("DEACTIVATED"))
    refused = await gql(gateway, JOIN, {"c": branches_of["code"]}, rider)
    assert refused["errors"][0]["extensions"]["rule"] == "youth_inactive"
    data(await gql(gateway, "mutation { giveMyConsent(purpose: REGISTRATION, channel: WECHAT) { version } }",
                   token=rider))
    await eventually(lambda: status_in_branches("ACTIVE"))
    assert data(await gql(gateway, JOIN, {"c": branches_of["code"]}, rider))["joinBranchWithCode"]["id"] == youth_id

    async def active_in_stations() -> bool:  # who may be named on a service record
        async with service_db(settings, "stations") as conn:
            return bool(await conn.fetchval("SELECT active FROM known_youth WHERE youth_id = $1", youth_id))
    await eventually(active_in_stations)
