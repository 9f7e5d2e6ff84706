"""榜样选树 and 宣讲 (issue 19) through GraphQL on the real stack: a branch secretary nominates a registered young
person with a story and a photo reference; the nominee sees it in `me` and consents with their own token; the
district's league committee selects it into this year's list; anyone (no token) reads the public list; station
staff record a talk (idempotent on its id); the dashboard's figures move; withdrawing consent takes the role model
off the list. Bad input names the field and the rule, another district and other roles are refused, and the
profile is in no event, outbox row or read model."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from chassis.clock import BEIJING
from tests.integration.stations_support import caught_up, ok
from tests.registry_support import data, fields_named, gql, person, refusal
from tests.support import CHAOYANG, HAIDIAN, service_db

NOMINATE = "mutation($i: NominateRoleModelInput!) { nominateRoleModel(input: $i) { id position } }"
CONSENT = "mutation($n: ID!, $g: Boolean!) { answerRoleModelConsent(nominationId: $n, given: $g) { id position } }"
SELECT = "mutation($n: ID!, $y: Int!) { selectRoleModel(nominationId: $n, year: $y) { id position } }"
WITHDRAW = "mutation($n: ID!, $r: String!) { withdrawRoleModel(nominationId: $n, reason: $r) { id position } }"
TALK = "mutation($n: ID!, $i: RoleModelTalkInput!) { recordRoleModelTalk(nominationId: $n, input: $i) { id version position } }"
PUBLIC = "query($y: Int!) { roleModels(year: $y) { id district year name photoRef story } }"
MINE = "{ me { roleModelNominations { id status consent year profile { name photoRef story } } } }"
STAFF_LIST = "{ roleModelNominations { id youthId status consent year profile { name } } }"
TALKS = "{ roleModelTalks { nominationId talkId venueKind place givenOn audience } }"
FIGURES = "{ dashboard { roleModels { year nominated selected withdrawn talks audience " \
          "byVenue { venueKind talks audience } } } }"
STORY = "五年来风雨无阻送餐，组建骑手互助小组，\n帮助三百多位新骑手熟悉路线。"


def moved(before: dict, **by: int) -> dict:
    return before | {k: before[k] + v for k, v in by.items()}


async def test_nominate_consent_select_publish_talk_and_withdraw_through_graphql(gateway, stations, settings, token):
    admin, secretary = token("admin", district=CHAOYANG), token("branch_secretary", CHAOYANG, subject="sec-reader")
    staff, elsewhere = token("station_staff", district=CHAOYANG), token("admin", district=HAIDIAN)
    rider = token("youth", subject="wx-role-model")
    youth_id = data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                              {"i": person(name="李榜样")}, rider))["registerMe"]["id"]
    year = datetime.now(BEIJING).year
    before = (await ok(gateway, FIGURES, token=admin))["dashboard"]["roleModels"]
    haidian = (await ok(gateway, FIGURES, token=elsewhere))["dashboard"]["roleModels"]
    nomination = {"youthId": youth_id, "district": CHAOYANG, "story": STORY, "photoRef": "photos/2026/li.jpg"}

    # bad input names the field and the rule; nothing is nominated
    blank = await gql(gateway, NOMINATE, {"i": nomination | {"story": "  "}}, secretary)
    assert refusal(blank)[0] == "VALIDATION" and fields_named(blank) == {"input.story"}
    spaced = await gql(gateway, NOMINATE, {"i": nomination | {"photoRef": "photos/li 1.jpg"}}, secretary)
    assert refusal(spaced)[0] == "VALIDATION" and fields_named(spaced) == {"photoRef"}
    assert spaced["errors"][0]["extensions"]["errors"][0]["rule"] == "format"
    long = await gql(gateway, NOMINATE, {"i": nomination | {"story": "长" * 2001}}, secretary)
    assert refusal(long)[0] == "VALIDATION" and fields_named(long) == {"story"}
    # another district, a youth token, a role that does not nominate, a person who is not registered
    assert refusal(await gql(gateway, NOMINATE, {"i": nomination}, elsewhere))[:2] == ("FORBIDDEN", "district")
    assert refusal(await gql(gateway, NOMINATE, {"i": nomination}, rider))[0] == "FORBIDDEN"
    viewer = token("department_viewer", CHAOYANG)
    assert refusal(await gql(gateway, NOMINATE, {"i": nomination}, viewer))[:2] == ("FORBIDDEN", "role")
    nobody = await gql(gateway, NOMINATE, {"i": nomination | {"youthId": str(uuid.uuid4())}}, secretary)
    assert refusal(nobody)[0] == "FORBIDDEN"  # the registry's answer: nobody of this district by that id
    made = (await ok(gateway, NOMINATE, {"i": nomination}, secretary))["nominateRoleModel"]
    nid = made["id"]

    # selection waits for the nominee's own consent; they see what would be published
    assert refusal(await gql(gateway, SELECT, {"n": nid, "y": year}, admin))[1] == "consent_required"
    profile = {"name": "李榜样", "photoRef": "photos/2026/li.jpg", "story": STORY}
    assert (await ok(gateway, MINE, token=rider))["me"]["roleModelNominations"] == [
        {"id": nid, "status": "NOMINATED", "consent": "PENDING", "year": None, "profile": profile}]
    assert refusal(await gql(gateway, CONSENT, {"n": nid, "g": True}, staff))[0] == "FORBIDDEN"
    someone = token("youth", subject="wx-role-model-other")
    await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }", {"i": person()}, someone)
    assert refusal(await gql(gateway, CONSENT, {"n": nid, "g": True}, someone))[0] == "NOT_FOUND"  # not theirs
    await ok(gateway, CONSENT, {"n": nid, "g": True}, rider)
    exported = data(await gql(gateway, "mutation { exportMyData }", token=rider))["exportMyData"]
    assert [(n["id"], n["consent"], n["profile"]) for n in exported["roleModels"]] == [(nid, "GIVEN", profile)]

    # the league committee selects; staff of other roles or districts cannot
    assert refusal(await gql(gateway, SELECT, {"n": nid, "y": year}, secretary))[:2] == ("FORBIDDEN", "role")
    assert refusal(await gql(gateway, SELECT, {"n": nid, "y": year}, elsewhere))[:2] == ("FORBIDDEN", "district")
    bad_year = await gql(gateway, SELECT, {"n": nid, "y": year + 5}, admin)
    assert refusal(bad_year)[0] == "VALIDATION" and fields_named(bad_year) == {"year"}
    selected = (await ok(gateway, SELECT, {"n": nid, "y": year}, admin))["selectRoleModel"]
    listed = (await ok(gateway, PUBLIC, {"y": year}))["roleModels"]  # no token
    ancient = await gql(gateway, PUBLIC, {"y": 1999})
    assert refusal(ancient)[0] == "VALIDATION" and fields_named(ancient) == {"year"}
    assert {"id": nid, "district": CHAOYANG, "year": year, **profile} in listed
    assert [r for r in (await ok(gateway, STAFF_LIST, token=secretary))["roleModelNominations"] if r["id"] == nid] == [
        {"id": nid, "youthId": youth_id, "status": "SELECTED", "consent": "GIVEN", "year": year,
         "profile": {"name": "李榜样"}}]
    # that staff read of the profile is in the audit trail: who, which nomination, why — not the profile
    async with service_db(settings, "stations") as conn:
        reads = await conn.fetch("SELECT * FROM role_model_reads WHERE nomination_id = $1", nid)
    assert [(r["actor"], r["roles"], r["district"], r["purpose"]) for r in reads] == [
        ("sec-reader", ["branch_secretary"], CHAOYANG, "榜样提名审核")]
    assert "李榜样" not in str([dict(r) for r in reads])

    # a talk, recorded once however often it is sent
    day = (datetime.now(BEIJING) - timedelta(days=1)).date().isoformat()
    talk = {"talkId": str(uuid.uuid4()), "venueKind": "PARK", "place": "望京 SOHO 园区", "givenOn": day, "audience": 120}
    unknown = await gql(gateway, TALK, {"n": nid, "i": talk | {"venueKind": "STADIUM"}}, staff)
    assert refusal(unknown)[0] == "VALIDATION" and fields_named(unknown) == {"venueKind"}
    crowd = await gql(gateway, TALK, {"n": nid, "i": talk | {"audience": 0}}, staff)
    assert refusal(crowd)[0] == "VALIDATION" and fields_named(crowd) == {"audience"}
    assert refusal(await gql(gateway, TALK, {"n": nid, "i": talk}, secretary))[:2] == ("FORBIDDEN", "role")
    first = (await ok(gateway, TALK, {"n": nid, "i": talk}, staff))["recordRoleModelTalk"]
    again = (await ok(gateway, TALK, {"n": nid, "i": talk}, staff))["recordRoleModelTalk"]
    assert again == first
    assert refusal(await gql(gateway, TALK, {"n": nid, "i": talk | {"audience": 121}}, staff))[1] == "already_recorded"
    assert talk | {"nominationId": nid} in (await ok(gateway, TALKS, token=staff))["roleModelTalks"]
    assert (await gql(gateway, TALKS, token=token("station_staff", district=HAIDIAN)))["data"]["roleModelTalks"] == []

    await caught_up(gateway, admin, [made["position"], selected["position"], first["position"]])
    figures = (await ok(gateway, FIGURES, token=admin))["dashboard"]["roleModels"]
    venues = {v["venueKind"]: v for v in before["byVenue"]}
    venues["PARK"] = moved(venues["PARK"], talks=1, audience=120)
    assert figures == moved(before, nominated=1, selected=1, talks=1, audience=120) | {
        "byVenue": [venues[k] for k in ("PARK", "COMPANY", "STATION", "ONLINE")]}
    assert (await ok(gateway, FIGURES, token=elsewhere))["dashboard"]["roleModels"] == haidian  # another district's

    # the profile is in no event, outbox row or read model
    async with service_db(settings, "stations") as conn:
        assert not await conn.fetchval("SELECT count(*) FROM events WHERE data::text LIKE '%李榜样%' "
                                       "OR data::text LIKE '%photos/2026/li%' OR data::text LIKE '%互助小组%'")
        assert await conn.fetchval("SELECT count(*) FROM events WHERE stream_id = $1", f"role-model-{nid}") == 4
    async with service_db(settings, "gateway") as conn:
        for (table,) in await conn.fetch("SELECT table_name FROM information_schema.tables "
                                         "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"):
            assert not await conn.fetchval(f'SELECT count(*) FROM "{table}" t WHERE strpos(t::text, $1) > 0',
                                           "李榜样"), table

    # the nominee withdraws consent: off the public list, counted as withdrawn; no more talks
    off = (await ok(gateway, CONSENT, {"n": nid, "g": False}, rider))["answerRoleModelConsent"]
    assert nid not in [r["id"] for r in (await ok(gateway, PUBLIC, {"y": year}))["roleModels"]]
    await caught_up(gateway, admin, [off["position"]])
    assert (await ok(gateway, FIGURES, token=admin))["dashboard"]["roleModels"]["withdrawn"] == before["withdrawn"] + 1
    later = talk | {"talkId": str(uuid.uuid4())}
    assert refusal(await gql(gateway, TALK, {"n": nid, "i": later}, staff))[1] == "not_selected"
    assert refusal(await gql(gateway, WITHDRAW, {"n": nid, "r": "再撤"}, staff))[1] == "closed"
