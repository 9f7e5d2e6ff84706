"""推优 (issue 19) through GraphQL on the real stack: a branch's secretary recommends a member, the district's
league committee accepts it and records the outcome, the member sees it in `me`, the dashboard's figure moves,
another district is refused; a member who leaves their branch ends what is still open, and erasure ends it too and
unlinks the person while the figure stays."""
from __future__ import annotations

from datetime import datetime

from chassis.clock import BEIJING
from tests.integration.stations_support import caught_up, ok
from tests.integration.test_youth_branches import found, register_me
from tests.registry_support import data, fields_named, gql, refusal
from tests.support import CHAOYANG, HAIDIAN, eventually

RECOMMEND = "mutation($y: ID!, $b: ID!, $k: RecommendationKind!, $r: String!) { recommendMember(youthId: $y, branchId: $b, " \
            "kind: $k, reason: $r) { id position } }"
REVIEW = "mutation($id: ID!, $a: Boolean!, $r: String) { reviewRecommendation(id: $id, accepted: $a, reason: $r) " \
         "{ id position } }"
OUTCOME = "mutation($id: ID!, $a: Boolean!, $d: Date!) { recordRecommendationOutcome(id: $id, adopted: $a, " \
          "decidedOn: $d) { id position } }"
MINE = "{ me { recommendations { id kind status note decidedOn } } }"
LIST = "{ recommendations { id youthId kind status district } }"
FIGURES = "{ dashboard { recommendations { thisYear adoptedThisYear byKind { kind recommended adopted } } } }"


async def test_recommended_reviewed_adopted_seen_by_the_member_counted_and_ended_on_leaving(gateway, token):
    admin, secretary = token("admin", district=CHAOYANG), token("branch_secretary", CHAOYANG)
    outsider, outsider_admin = token("branch_secretary", HAIDIAN), token("admin", district=HAIDIAN)
    branch = await found(gateway, admin, "朝阳推优测试团支部", CHAOYANG)
    invitation = data(await gql(gateway, "mutation I($b: ID!) { issueInvitation(branchId: $b) { code } }",
                                {"b": branch}, admin))["issueInvitation"]["code"]
    rider = token("youth", subject="wx-recommend-1")
    youth_id = await register_me(gateway, rider)
    before = (await ok(gateway, FIGURES, token=admin))["dashboard"]["recommendations"]

    asked = {"y": youth_id, "b": branch, "k": "PARTY", "r": "连续两年服务骑手，表现突出"}
    not_member = await gql(gateway, RECOMMEND, asked, secretary)
    assert refusal(not_member)[1] == "not_a_member"  # only a member of the branch is recommended
    data(await gql(gateway, "mutation J($c: String!) { joinBranchWithCode(code: $c) { id } }", {"c": invitation},
                   rider))

    assert refusal(await gql(gateway, RECOMMEND, asked, outsider))[:2] == ("FORBIDDEN", "district")
    for bad, field in (({"r": "  "}, "reason"), ({"r": "优" * 501}, "reason"), ({"k": "MEDAL"}, "kind")):
        refused = await gql(gateway, RECOMMEND, asked | bad, secretary)
        assert refusal(refused)[0] == "VALIDATION" and fields_named(refused) == {field}, bad
    made = (await ok(gateway, RECOMMEND, asked, secretary))["recommendMember"]
    assert refusal(await gql(gateway, RECOMMEND, asked, secretary))[1] == "already_open"

    review = {"id": made["id"], "a": True, "r": None}
    assert refusal(await gql(gateway, REVIEW, review, outsider_admin))[:2] == ("FORBIDDEN", "district")
    assert refusal(await gql(gateway, REVIEW, review, secretary))[:2] == ("FORBIDDEN", "role")
    await ok(gateway, REVIEW, review, admin)
    today = datetime.now(BEIJING).date().isoformat()
    adopted = (await ok(gateway, OUTCOME, {"id": made["id"], "a": True, "d": today}, admin))[
        "recordRecommendationOutcome"]

    assert (await ok(gateway, MINE, token=rider))["me"]["recommendations"] == [
        {"id": made["id"], "kind": "PARTY", "status": "ADOPTED", "note": "", "decidedOn": today}]
    assert refusal(await gql(gateway, MINE, token=admin))[0] == "FORBIDDEN"
    listed = (await ok(gateway, LIST, token=admin))["recommendations"]
    assert {"id": made["id"], "youthId": youth_id, "kind": "PARTY", "status": "ADOPTED", "district": CHAOYANG} in listed
    assert all(r["id"] != made["id"] for r in (await ok(gateway, LIST, token=outsider_admin))["recommendations"])

    await caught_up(gateway, admin, [made["position"], adopted["position"]])
    after = (await ok(gateway, FIGURES, token=admin))["dashboard"]["recommendations"]
    assert (after["thisYear"], after["adoptedThisYear"]) == (before["thisYear"] + 1, before["adoptedThisYear"] + 1)
    party = next(k for k in after["byKind"] if k["kind"] == "PARTY")
    assert party["recommended"] >= 1 and party["adopted"] >= 1

    # an honour still open ends when the member leaves the branch
    honour = (await ok(gateway, RECOMMEND, asked | {"k": "HONOUR"}, secretary))["recommendMember"]
    data(await gql(gateway, "mutation { leaveMyBranch { id } }", token=rider))
    mine = {r["id"]: r["status"] for r in (await ok(gateway, MINE, token=rider))["me"]["recommendations"]}
    assert mine == {made["id"]: "ADOPTED", honour["id"]: "ENDED"}

    # erasure: what is open ends, every row loses the person, the figure stays
    data(await gql(gateway, "mutation J($c: String!) { joinBranchWithCode(code: $c) { id } }", {"c": invitation},
                   rider))
    again = (await ok(gateway, RECOMMEND, asked | {"k": "HONOUR"}, secretary))["recommendMember"]
    data(await gql(gateway, "mutation { eraseMe { id } }", token=rider))
    ids = {made["id"]: "ADOPTED", honour["id"]: "ENDED", again["id"]: "ENDED"}

    async def unlinked() -> bool:
        rows = {r["id"]: r for r in (await ok(gateway, LIST, token=admin))["recommendations"] if r["id"] in ids}
        return {i: (r["status"], r["youthId"]) for i, r in rows.items()} == {i: (s, None) for i, s in ids.items()}
    await eventually(unlinked)
    await caught_up(gateway, admin, [again["position"]])
    figures = (await ok(gateway, FIGURES, token=admin))["dashboard"]["recommendations"]
    assert (figures["thisYear"], figures["adoptedThisYear"]) == (after["thisYear"] + 2, after["adoptedThisYear"])
