"""Applications for 筑梦空间 internships, the staff lists and the export (issue 19) through GraphQL on the real
stack: young people apply with their own token (an optional note), the offer's district's staff page through the
applications, accept within the places (a full internship refuses more) or decline with a reason, an applicant
withdraws, closing the offer ends what is pending; `me`, the lists and the dashboard follow; the export carries the
applications and the person's 推优; erasure removes the person's applications while the counts stay."""
from __future__ import annotations

from tests.integration import test_dream_space as dream
from tests.integration import test_recommendations as recommend
from tests.integration.stations_support import caught_up, create_station, ok
from tests.integration.test_youth_branches import join_new_branch, register_me
from tests.registry_support import data, fields_named, gql, refusal
from tests.support import CHAOYANG, HAIDIAN, eventually, service_db

APPLY = "mutation($i: ID!, $n: String) { applyForInternship(internshipId: $i, note: $n) { id position } }"
WITHDRAW = "mutation($a: ID!) { withdrawInternshipApplication(applicationId: $a) { id position } }"
ACCEPT = "mutation($a: ID!) { acceptInternshipApplication(applicationId: $a) { id position } }"
DECLINE = "mutation($a: ID!, $r: String!) { declineInternshipApplication(applicationId: $a, reason: $r) " \
          "{ id position } }"
APPLICATIONS = "query($i: ID!, $f: Int, $a: String) { internshipApplications(internshipId: $i, first: $f, after: $a) " \
               "{ nodes { id youthId note status } pageInfo { hasNextPage endCursor } } }"
INTERNSHIPS = "query($o: Boolean) { internships(open: $o, first: 100) { nodes { id company places open applications " \
              "pending accepted } } }"
PROJECTS = "query($s: ProjectStatus, $d: String) { dreamSpaceProjects(status: $s, district: $d, first: 100) " \
           "{ nodes { id title status milestones } } }"
MINE = "{ me { internshipApplications { id internshipId company title note status reason decidedAt } } }"
FIGURES = "{ dashboard { dreamSpace { internshipApplications acceptedApplications } } }"


async def applicant(gateway, token, name: str) -> tuple[str, str]:
    t = token("youth", subject=f"wx-intern-{name}")
    return t, await register_me(gateway, t)


async def test_applications_accepted_within_the_places_declined_withdrawn_and_ended_on_closing(
        gateway, stations, settings, token):
    staff, other = token("station_staff", district=CHAOYANG), token("station_staff", district=HAIDIAN)
    space = (await create_station(gateway, staff, "朝阳实习筑梦空间", 39.921, 116.451, kind="DREAM_SPACE"))["id"]
    offer = {"stationId": space, "company": "某文创公司", "title": "视觉设计实习生", "places": 1}
    iid = (await ok(gateway, dream.OFFER, {"i": offer}, staff))["offerInternship"]["id"]
    before = (await ok(gateway, FIGURES, token=staff))["dashboard"]["dreamSpace"]
    (ann, ann_id), (bo, bo_id), (cy, _), (di, _) = [await applicant(gateway, token, n) for n in "abcd"]

    blank = await gql(gateway, APPLY, {"i": iid, "n": "  "}, ann)
    assert refusal(blank)[0] == "VALIDATION" and fields_named(blank) == {"note"}
    assert refusal(await gql(gateway, APPLY, {"i": iid}, staff))[0] == "FORBIDDEN"  # a youth token only
    a = (await ok(gateway, APPLY, {"i": iid, "n": "学过两年平面设计"}, ann))["applyForInternship"]["id"]
    assert refusal(await gql(gateway, APPLY, {"i": iid}, ann))[1] == "already_applied"
    b = (await ok(gateway, APPLY, {"i": iid}, bo))["applyForInternship"]["id"]

    first = (await ok(gateway, APPLICATIONS, {"i": iid, "f": 1}, staff))["internshipApplications"]
    assert first["nodes"] == [{"id": a, "youthId": ann_id, "note": "学过两年平面设计", "status": "PENDING"}]
    assert first["pageInfo"]["hasNextPage"]
    rest = (await ok(gateway, APPLICATIONS, {"i": iid, "a": first["pageInfo"]["endCursor"]}, staff))
    assert rest["internshipApplications"]["nodes"] == [{"id": b, "youthId": bo_id, "note": None, "status": "PENDING"}]
    assert refusal(await gql(gateway, APPLICATIONS, {"i": iid}, other))[:2] == ("FORBIDDEN", "district")

    assert refusal(await gql(gateway, ACCEPT, {"a": a}, other))[:2] == ("FORBIDDEN", "district")
    assert refusal(await gql(gateway, ACCEPT, {"a": a}, ann))[0] == "FORBIDDEN"
    await ok(gateway, ACCEPT, {"a": a}, staff)
    full = await gql(gateway, ACCEPT, {"a": b}, staff)
    assert refusal(full)[:2] == ("RULE_VIOLATED", "internship_full") and "名额已满" in refusal(full)[2]
    no_reason = await gql(gateway, DECLINE, {"a": b, "r": " "}, staff)
    assert refusal(no_reason)[0] == "VALIDATION" and fields_named(no_reason) == {"reason"}
    await ok(gateway, DECLINE, {"a": b, "r": "名额已满，欢迎下次申请"}, staff)
    assert refusal(await gql(gateway, WITHDRAW, {"a": b}, bo))[1] == "already_decided"

    c = (await ok(gateway, APPLY, {"i": iid}, cy))["applyForInternship"]["id"]
    assert refusal(await gql(gateway, WITHDRAW, {"a": c}, ann))[0] == "NOT_FOUND"  # not hers
    await ok(gateway, WITHDRAW, {"a": c}, cy)
    d = (await ok(gateway, APPLY, {"i": iid}, di))["applyForInternship"]["id"]
    closed = (await ok(gateway, dream.CLOSE, {"i": iid}, staff))["closeInternship"]
    assert refusal(await gql(gateway, APPLY, {"i": iid}, cy))[1] == "closed"

    mine = {name: (await ok(gateway, MINE, token=t))["me"]["internshipApplications"] for name, t in
            (("ann", ann), ("bo", bo), ("cy", cy), ("di", di))}
    assert [(x["id"], x["status"], x["reason"]) for x in mine["ann"]] == [(a, "ACCEPTED", None)]
    assert [(x["id"], x["status"], x["reason"]) for x in mine["bo"]] == [(b, "DECLINED", "名额已满，欢迎下次申请")]
    assert [(x["status"], x["company"], x["title"]) for x in mine["cy"]] == [("WITHDRAWN", "某文创公司", "视觉设计实习生")]
    assert [(x["id"], x["status"]) for x in mine["di"]] == [(d, "ENDED")] and mine["di"][0]["decidedAt"]

    await caught_up(gateway, staff, [closed["position"]])
    listed = [n for n in (await ok(gateway, INTERNSHIPS, {"o": False}, staff))["internships"]["nodes"] if n["id"] == iid]
    assert listed == [{"id": iid, "company": "某文创公司", "places": 1, "open": False, "applications": 4, "pending": 0,
                       "accepted": 1}]
    assert all(n["id"] != iid for n in (await ok(gateway, INTERNSHIPS, {"o": True}, staff))["internships"]["nodes"])
    assert all(n["id"] != iid for n in (await ok(gateway, INTERNSHIPS, token=token("admin", HAIDIAN)))["internships"][
        "nodes"])
    figures = (await ok(gateway, FIGURES, token=staff))["dashboard"]["dreamSpace"]
    assert figures == {"internshipApplications": before["internshipApplications"] + 4,
                       "acceptedApplications": before["acceptedApplications"] + 1}

    exported = data(await gql(gateway, "mutation { exportMyData }", token=ann))["exportMyData"]
    assert [(x["id"], x["note"], x["status"]) for x in exported["internshipApplications"]] == [
        (a, "学过两年平面设计", "ACCEPTED")]

    second = (await ok(gateway, dream.OFFER, {"i": offer | {"title": "插画实习生"}}, staff))["offerInternship"]["id"]
    pending = (await ok(gateway, APPLY, {"i": second, "n": "也想试试插画"}, ann))["applyForInternship"]
    await caught_up(gateway, staff, [pending["position"]])
    figures = (await ok(gateway, FIGURES, token=staff))["dashboard"]["dreamSpace"]
    data(await gql(gateway, "mutation { eraseMe { id } }", token=ann))

    async def forgotten() -> bool:
        async with service_db(settings, "stations") as conn:
            return not await conn.fetchval("SELECT count(*) FROM youth_internship_applications WHERE youth_id = $1",
                                           ann_id)
    await eventually(forgotten)
    left = (await ok(gateway, APPLICATIONS, {"i": iid}, staff))["internshipApplications"]["nodes"]
    assert [n["id"] for n in left] == [b, c, d]  # the erased person's application is gone from the staff's list
    async def ended() -> bool:  # her pending application at the second offer ended with the erasure
        nodes = (await ok(gateway, INTERNSHIPS, {"o": True}, staff))["internships"]["nodes"]
        return [(n["applications"], n["pending"]) for n in nodes if n["id"] == second] == [(1, 0)]
    await eventually(ended)
    assert (await ok(gateway, APPLICATIONS, {"i": second}, staff))["internshipApplications"]["nodes"] == []
    assert (await ok(gateway, FIGURES, token=staff))["dashboard"]["dreamSpace"] == figures  # the counts stay


async def test_the_staff_list_projects_by_status_in_their_district(gateway, stations, token):
    staff = token("station_staff", district=CHAOYANG)
    artist = token("youth", subject="wx-intern-artist")
    await register_me(gateway, artist)
    space = (await create_station(gateway, staff, "朝阳列表筑梦空间", 39.922, 116.452, kind="DREAM_SPACE"))["id"]
    project = {"stationId": space, "title": "胡同插画集", "field": "DESIGN", "summary": "画下胡同。"}
    pid = (await ok(gateway, dream.APPLY, {"i": project}, artist))["applyForProject"]["id"]
    supported = (await ok(gateway, dream.SUPPORT, {"p": pid}, staff))["supportProject"]
    noted = (await ok(gateway, dream.MILESTONE, {"p": pid, "n": "第一册完成"}, staff))["noteProjectMilestone"]
    await caught_up(gateway, staff, [supported["position"], noted["position"]])
    running = (await ok(gateway, PROJECTS, {"s": "SUPPORTED"}, staff))["dreamSpaceProjects"]["nodes"]
    assert {"id": pid, "title": "胡同插画集", "status": "SUPPORTED", "milestones": 1} in running
    assert all(n["id"] != pid for n in (await ok(gateway, PROJECTS, {"s": "APPLIED"}, staff))["dreamSpaceProjects"][
        "nodes"])
    assert refusal(await gql(gateway, PROJECTS, {"d": HAIDIAN}, staff))[:2] == ("FORBIDDEN", "district")
    unknown = await gql(gateway, PROJECTS, {"s": "PAUSED"}, staff)
    assert refusal(unknown)[0] == "VALIDATION"


async def test_the_export_carries_the_members_recommendations(gateway, token):
    admin, secretary = token("admin", district=CHAOYANG), token("branch_secretary", CHAOYANG)
    rider = token("youth", subject="wx-intern-recommended")
    youth_id = await register_me(gateway, rider)
    branch = await join_new_branch(gateway, admin, rider, "朝阳导出测试团支部", CHAOYANG)
    made = (await ok(gateway, recommend.RECOMMEND, {"y": youth_id, "b": branch, "k": "HONOUR", "r": "服务骑手表现突出"},
                     secretary))["recommendMember"]
    exported = data(await gql(gateway, "mutation { exportMyData }", token=rider))["exportMyData"]
    assert [(r["recommendationId"], r["kind"], r["status"], r["branchId"]) for r in exported["recommendations"]] == [
        (made["id"], "HONOUR", "RECOMMENDED", branch)]
    assert exported["recommendations"][0]["recommendedOn"] and "decidedOn" in exported["recommendations"][0]
    assert {"volunteering", "projects", "internshipApplications"} <= exported.keys()
