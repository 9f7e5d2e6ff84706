"""A young person's own cases (求助个案) with their own token, on the real stack: they open a LABOUR_DISPUTE
case, staff triage and resolve it, they see the status and rate it; another person's case answers exactly as
a case of nothing; their export holds the cases with their words, and erasure deletes the rows and shreds
the summaries."""
from __future__ import annotations

import uuid

from tests.integration.stations_support import caught_up, ok
from tests.registry_support import code, data, gql, person, refusal
from tests.support import bearer, eventually, service_db

SUMMARY = "我是外卖骑手，站点拒付三个月加班费，要求我自愿离职"
OPEN = "mutation($i: OpenMyCaseInput!) { openMyCase(input: $i) { id position } }"
RATE = "mutation($c: ID!, $s: Int!) { rateMyCase(caseId: $c, score: $s) { id position } }"
MINE = "{ me { cases { id source status category urgency district openedOn agency outcome rating summary } } }"
STAFF_CASES = "{ cases(first: 100) { nodes { id source status category } } }"


def step(name: str, args: str) -> str:
    return f"mutation($c: ID!) {{ {name}(caseId: $c, {args}) {{ id position }} }}"


async def register_me(gateway, t: str) -> str:
    return data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                          {"i": person()}, t))["registerMe"]["id"]


async def open_mine(gateway, t: str, summary: str = SUMMARY) -> dict:
    given = {"category": "LABOUR_DISPUTE", "summary": summary, "district": "110105"}  # urgency: NORMAL by default
    return data(await gql(gateway, OPEN, {"i": given}, t))["openMyCase"]


async def my_cases(gateway, t: str) -> list[dict]:
    return data(await gql(gateway, MINE, token=t))["me"]["cases"]


async def test_a_youth_opens_a_case_staff_handle_it_and_the_youth_sees_and_rates_it(gateway, token):
    rider = token("youth", subject="wx-case-rider")
    await register_me(gateway, rider)
    opened = await open_mine(gateway, rider)
    cid = opened["id"]
    [mine] = await my_cases(gateway, rider)
    assert mine | {"openedOn": None} == {
        "id": cid, "source": "YOUTH", "status": "OPEN", "category": "LABOUR_DISPUTE", "urgency": "NORMAL",
        "district": "110105", "openedOn": None, "agency": None, "outcome": None, "rating": None, "summary": SUMMARY}
    not_yet = await gql(gateway, RATE, {"c": cid, "s": 5}, rider)
    assert refusal(not_yet)[:2] == ("RULE_VIOLATED", "not_resolved")

    staff = token("station_staff", district="110105")
    await caught_up(gateway, staff, [opened["position"]])
    listed = next(n for n in (await ok(gateway, STAFF_CASES, None, staff))["cases"]["nodes"] if n["id"] == cid)
    assert (listed["source"], listed["status"]) == ("YOUTH", "OPEN")
    await ok(gateway, step("triageCase", 'category: LABOUR_DISPUTE, urgency: URGENT, assignee: "朝阳区维权站"'),
             {"c": cid}, staff)
    await ok(gateway, step("resolveCase", "outcome: ADVICE_GIVEN"), {"c": cid}, staff)
    [mine] = await my_cases(gateway, rider)
    assert (mine["status"], mine["urgency"], mine["outcome"]) == ("RESOLVED", "URGENT", "ADVICE_GIVEN")

    assert code(await gql(gateway, RATE, {"c": cid, "s": 6}, rider)) == "VALIDATION"
    rated = data(await gql(gateway, RATE, {"c": cid, "s": 4}, rider))["rateMyCase"]
    [mine] = await my_cases(gateway, rider)
    assert (mine["status"], mine["rating"]) == ("RATED", 4)
    assert refusal(await gql(gateway, RATE, {"c": cid, "s": 5}, rider))[:2] == ("RULE_VIOLATED", "already_rated")
    await caught_up(gateway, staff, [rated["position"]])
    listed = next(n for n in (await ok(gateway, STAFF_CASES, None, staff))["cases"]["nodes"] if n["id"] == cid)
    assert listed["status"] == "RATED"


async def test_another_persons_case_answers_as_a_case_of_nothing(gateway, stations, token):
    alice, bob = token("youth", subject="wx-case-alice"), token("youth", subject="wx-case-bob")
    await register_me(gateway, alice)
    await register_me(gateway, bob)
    cid = (await open_mine(gateway, alice))["id"]
    nothing = str(uuid.uuid4())
    assert await my_cases(gateway, bob) == []
    theirs, none = [refusal(await gql(gateway, RATE, {"c": c, "s": 5}, bob)) for c in (cid, nothing)]
    assert theirs == none and theirs[0] == "NOT_FOUND"
    reads = [await stations.get(f"/me/cases/{c}/summary", headers=bearer(bob)) for c in (cid, nothing)]
    assert [r.status_code for r in reads] == [404, 404] and reads[0].json() == reads[1].json()
    # A staff token on the own routes, a youth token on the staff ones: refused by the service itself.
    admin = token("admin")
    assert (await stations.get("/me/cases", headers=bearer(admin))).status_code == 403
    assert (await stations.get(f"/cases/{cid}/summary", headers={**bearer(bob), "X-Purpose": "x"})).status_code == 403
    assert [c["id"] for c in await my_cases(gateway, alice)] == [cid]
    assert code(await gql(gateway, OPEN, {"i": {"category": "OTHER", "summary": "x", "district": "110105"}},
                          token("youth", subject="wx-case-never-registered"))) == "NOT_FOUND"


async def test_the_export_holds_the_cases_and_erasure_removes_them_and_shreds_the_words(gateway, settings, token):
    rider = token("youth", subject="wx-case-erase")
    youth_id = await register_me(gateway, rider)
    cid = (await open_mine(gateway, rider, summary="平台封号后押金不退，共三千元"))["id"]
    staff = token("station_staff", district="110105")
    walk_in = (await ok(gateway, "mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }", {"i": {
        "category": "WAGE_ARREARS", "district": "110105", "summary": "来站咨询欠薪", "youthId": youth_id}},
        staff))["openCase"]["id"]
    assert sorted(c["id"] for c in await my_cases(gateway, rider)) == sorted([cid, walk_in])  # staff's too

    exported = data(await gql(gateway, "mutation { exportMyData }", token=rider))["exportMyData"]
    assert {c["caseId"]: c["summary"] for c in exported["cases"]} == {cid: "平台封号后押金不退，共三千元",
                                                                      walk_in: "来站咨询欠薪"}

    data(await gql(gateway, "mutation { eraseMe { id } }", token=rider))

    async def forgotten() -> bool:
        async with service_db(settings, "stations") as conn:
            rows = await conn.fetchval("SELECT count(*) FROM youth_cases WHERE youth_id = $1", youth_id)
        async with service_db(settings, "stations_keys") as conn:  # the key store (chassis/keystore.py)
            keys = await conn.fetchval("SELECT count(*) FROM person_keys WHERE subject = ANY($1::text[])",
                                       [f"case-{cid}", f"case-{walk_in}"])
        return rows == 0 and keys == 0
    await eventually(forgotten)
    read = 'query($c: ID!) { caseSummary(caseId: $c, purpose: "核对") { summary erased } }'
    assert (await ok(gateway, read, {"c": cid}, staff))["caseSummary"] == {"summary": None, "erased": True}
    # A later staff step on the case does not list it again under the erased person.
    await ok(gateway, step("triageCase", 'category: PLATFORM_RULES, urgency: NORMAL, assignee: "x"'), {"c": cid},
             staff)
    async with service_db(settings, "stations") as conn:
        assert await conn.fetchval("SELECT count(*) FROM youth_cases WHERE case_id = $1", cid) == 0
