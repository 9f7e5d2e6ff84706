"""筑梦空间 incubation projects (issue 19) through GraphQL on the real stack: a young person applies at a
DREAM_SPACE station with their own token, the district's staff support it, note a milestone and end it; `me`
lists the project, the dashboard's active figure moves up and back, another district's staff are refused, and
erasure removes the person's link and shreds their summary (sealed, never on the topic) while the figures stay.
Internships offered by partner companies open and close the dashboard's figure."""
from __future__ import annotations

from tests.integration.stations_support import caught_up, create_station, ok
from tests.registry_support import data, fields_named, gql, person, refusal
from tests.support import eventually, keys_left, service_db

APPLY = "mutation($i: ApplyForProjectInput!) { applyForProject(input: $i) { id position } }"
SUPPORT = "mutation($p: ID!) { supportProject(projectId: $p) { id position } }"
MILESTONE = "mutation($p: ID!, $n: String!) { noteProjectMilestone(projectId: $p, note: $n) { id position } }"
END = "mutation($p: ID!, $o: String!) { endProject(projectId: $p, outcome: $o) { id position } }"
SUMMARY = "query($p: ID!, $why: String!) { projectSummary(projectId: $p, purpose: $why) { summary erased } }"
MINE = "{ me { projects { id stationId title field status } } }"
FIGURES = "{ dashboard { dreamSpace { appliedProjects activeProjects completedProjects stoppedProjects } } }"


async def test_a_project_applied_supported_followed_and_ended_moves_the_figure_and_survives_erasure(
        gateway, stations, settings, token):
    staff = token("station_staff", district="110105")
    artist = token("youth", subject="wx-dreamer")
    youth_id = data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                              {"i": person()}, artist))["registerMe"]["id"]
    space = (await create_station(gateway, staff, "朝阳筑梦空间", 39.92, 116.45, kind="DREAM_SPACE"))["id"]
    refuel = (await create_station(gateway, staff, "朝阳小哥加油站", 39.93, 116.46))["id"]
    before = (await ok(gateway, FIGURES, token=staff))["dashboard"]["dreamSpace"]

    project = {"stationId": space, "title": "胡同声音计划", "field": "INDIE_MUSIC", "summary": "录制胡同里的声音。"}
    blank = await gql(gateway, APPLY, {"i": project | {"title": " "}}, artist)  # the gateway's text rule
    assert refusal(blank)[0] == "VALIDATION" and fields_named(blank) == {"input.title"}
    long = await gql(gateway, APPLY, {"i": project | {"summary": "长" * 501}}, artist)
    assert refusal(long)[0] == "VALIDATION" and fields_named(long) == {"summary"}
    unknown = await gql(gateway, APPLY, {"i": project | {"summary": "长" * 500, "field": "DANCE"}}, artist)
    assert refusal(unknown)[0] == "VALIDATION" and fields_named(unknown) == {"field"}  # 500 is allowed
    elsewhere = await gql(gateway, APPLY, {"i": project | {"stationId": refuel}}, artist)
    assert refusal(elsewhere)[1] == "not_a_dream_space"
    assert refusal(await gql(gateway, APPLY, {"i": project}, staff))[0] == "FORBIDDEN"  # a youth token only
    applied = (await ok(gateway, APPLY, {"i": project}, artist))["applyForProject"]
    pid = applied["id"]
    async with service_db(settings, "stations") as conn:  # the person's own words: sealed, never on the topic
        stored = await conn.fetchrow("SELECT data::text AS data, sealed FROM events WHERE stream_id = $1",
                                     f"project-{pid}")
    assert "录制胡同里的声音" not in stored["data"] and stored["sealed"] is not None
    assert await keys_left(settings, [f"project-{pid}"], "stations") == 1
    exported = data(await gql(gateway, "mutation { exportMyData }", token=artist))["exportMyData"]
    assert [(p["projectId"], p["summary"]) for p in exported["projects"]] == [(pid, "录制胡同里的声音。")]  # theirs

    other = token("station_staff", district="110108")
    read = await ok(gateway, SUMMARY, {"p": pid, "why": "评审是否支持"}, staff)
    assert read["projectSummary"] == {"summary": "录制胡同里的声音。", "erased": False}
    assert refusal(await gql(gateway, SUMMARY, {"p": pid, "why": "好奇"}, other))[0] == "FORBIDDEN"
    async with service_db(settings, "stations") as conn:  # each staff read leaves who, when and why
        audited = await conn.fetch("SELECT actor, purpose FROM project_reads WHERE project_id = $1", pid)
    assert [r["purpose"] for r in audited] == ["评审是否支持"]
    assert refusal(await gql(gateway, SUPPORT, {"p": pid}, other))[0] == "FORBIDDEN"
    assert refusal(await gql(gateway, SUPPORT, {"p": pid}, artist))[0] == "FORBIDDEN"
    supported = (await ok(gateway, SUPPORT, {"p": pid}, staff))["supportProject"]
    await caught_up(gateway, staff, [applied["position"], supported["position"]])
    running = (await ok(gateway, FIGURES, token=staff))["dashboard"]["dreamSpace"]
    assert running == before | {"appliedProjects": before["appliedProjects"] + 1,
                                "activeProjects": before["activeProjects"] + 1}

    await ok(gateway, MILESTONE, {"p": pid, "n": "首张 EP 录完"}, staff)
    assert (await ok(gateway, MINE, token=artist))["me"]["projects"] == [
        {"id": pid, "stationId": space, "title": "胡同声音计划", "field": "INDIE_MUSIC", "status": "SUPPORTED"}]
    bad_end = await gql(gateway, END, {"p": pid, "o": "PAUSED"}, staff)
    assert refusal(bad_end)[0] == "VALIDATION" and fields_named(bad_end) == {"outcome"}

    data(await gql(gateway, "mutation { eraseMe { id } }", token=artist))

    async def forgotten() -> bool:
        async with service_db(settings, "stations") as conn:
            return not await conn.fetchval("SELECT count(*) FROM youth_projects WHERE youth_id = $1", youth_id)
    await eventually(forgotten)
    assert await keys_left(settings, [f"project-{pid}"], "stations") == 0  # the summary is unreadable for good
    gone = await ok(gateway, SUMMARY, {"p": pid, "why": "结项归档"}, staff)
    assert gone["projectSummary"] == {"summary": None, "erased": True}
    ended = (await ok(gateway, END, {"p": pid, "o": "COMPLETED"}, staff))["endProject"]  # the project goes on
    await caught_up(gateway, staff, [ended["position"]])
    after = (await ok(gateway, FIGURES, token=staff))["dashboard"]["dreamSpace"]
    assert after == running | {"activeProjects": before["activeProjects"],
                               "completedProjects": before["completedProjects"] + 1}
    async with service_db(settings, "stations") as conn:  # ending it did not link the person again
        assert not await conn.fetchval("SELECT count(*) FROM youth_projects WHERE project_id = $1", pid)
    assert refusal(await gql(gateway, SUPPORT, {"p": pid}, staff))[1] == "already_decided"


OFFER = "mutation($i: OfferInternshipInput!) { offerInternship(input: $i) { id position } }"
CLOSE = "mutation($i: ID!) { closeInternship(internshipId: $i) { id position } }"
OPEN = "{ dashboard { dreamSpace { openInternships openInternshipPlaces } } }"


async def test_an_internship_offered_at_a_station_of_the_district_is_counted_until_closed(gateway, stations, token):
    staff = token("station_staff", district="110105")
    space = (await create_station(gateway, staff, "东城筑梦空间", 39.91, 116.41, kind="DREAM_SPACE"))["id"]
    before = (await ok(gateway, OPEN, token=staff))["dashboard"]["dreamSpace"]
    offer = {"stationId": space, "company": "某文创公司", "title": "视觉设计实习生", "places": 3}
    other = token("station_staff", district="110108")
    assert refusal(await gql(gateway, OFFER, {"i": offer}, other))[0] == "FORBIDDEN"
    bad = await gql(gateway, OFFER, {"i": offer | {"places": 0}}, staff)
    assert refusal(bad)[0] == "VALIDATION" and fields_named(bad) == {"places"}
    offered = (await ok(gateway, OFFER, {"i": offer}, staff))["offerInternship"]
    await caught_up(gateway, staff, [offered["position"]])
    assert (await ok(gateway, OPEN, token=staff))["dashboard"]["dreamSpace"] == {
        "openInternships": before["openInternships"] + 1, "openInternshipPlaces": before["openInternshipPlaces"] + 3}
    assert refusal(await gql(gateway, CLOSE, {"i": offered["id"]}, other))[0] == "FORBIDDEN"
    closed = (await ok(gateway, CLOSE, {"i": offered["id"]}, staff))["closeInternship"]
    assert refusal(await gql(gateway, CLOSE, {"i": offered["id"]}, staff))[1] == "already_closed"
    await caught_up(gateway, staff, [closed["position"]])
    assert (await ok(gateway, OPEN, token=staff))["dashboard"]["dreamSpace"] == before
