"""Issue 18 on real PostgreSQL and Kafka, through GraphQL and the branches service: the measures file
loaded and reloaded (a changed lead department is an event), a lead department reports and another is
refused, stale and overdue appear at the right moment (clocks injected), and a district joint meeting's
decision becomes items that their assignees close."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import asyncpg
import pytest

from chassis.clock import Clock
from chassis.db import create_pool
from services.branches import jobs
from services.branches.plan import plan_body, read_plan
from tests.registry_support import data, gql
from tests.support import CHAOYANG, HAIDIAN, bearer, eventually

BOARD = """query($pos: String, $lead: String) { measureBoard(minPosition: $pos, lead: $lead) {
    id title example lead { code name } progress lastReportOn lastNote evidence stale mine targetOn } }"""
REPORT = """mutation($m: ID!, $p: Int!, $n: String!, $e: [String!], $on: Date) {
    reportMeasureProgress(measureId: $m, percent: $p, note: $n, evidence: $e, reportedOn: $on) { id position } }"""
RECORD = """mutation($i: RecordJointMeetingInput!) { recordJointMeeting(input: $i) { id position itemIds } }"""
ITEMS = """query($pos: String, $d: String, $open: Boolean) { actionItems(minPosition: $pos, district: $d,
    openOnly: $open) { nodes { id title assignee assigneeName status overdue lastNote mine district } } }"""
NOTE = "mutation($i: ID!, $n: String!) { noteActionItemProgress(itemId: $i, note: $n) { id position } }"
DONE = "mutation($i: ID!) { completeActionItem(itemId: $i) { id position } }"
AGENDA = """query($d: String) { nextMeetingAgenda(district: $d) { staleMeasures { id } overdueItems { id }
    hotTopics { id category district status } } }"""


@pytest.fixture(scope="module")
async def db(settings, branches):
    pool = await create_pool(settings.database_url(settings.database("branches")), max_size=2)
    yield pool
    await pool.close()


def errors_of(result: dict) -> dict:
    assert result.get("errors"), result
    return result["errors"][0]["extensions"] | {"message": result["errors"][0]["message"]}


async def board(gateway, token: str, position: str | None = None, lead: str | None = None) -> dict[str, dict]:
    rows = data(await gql(gateway, BOARD, {"pos": position, "lead": lead}, token=token))["measureBoard"]
    return {r["id"]: r for r in rows}


async def test_a_reload_that_changes_a_lead_department_is_recorded_and_shown(gateway, branches, db, token):
    plan = read_plan()
    before = await db.fetchval("SELECT count(*) FROM events")
    unchanged = await branches.post("/measures/plan", json=plan_body(plan), headers=bearer(token("admin")))
    assert unchanged.status_code == 200 and unchanged.json()["changes"] == 0, unchanged.text
    assert await db.fetchval("SELECT count(*) FROM events") == before  # nothing changed, nothing recorded

    m15 = next(m for m in plan.measures if m.measure_id == "M15")
    official = replace(plan, examples=False, measures=tuple(
        replace(m, lead="ZGH", partners=("RSJ",), placeholder=False) if m is m15 else replace(m, placeholder=False)
        for m in plan.measures))
    loaded = await branches.post("/measures/plan", json=plan_body(official), headers=bearer(token("admin")))
    assert loaded.status_code == 200, loaded.text
    assert "M15" in loaded.json()["measuresChanged"]
    lead_changes = await db.fetch("SELECT data FROM events WHERE event_type = 'xq.branches.measure.lead-changed.v1'")
    assert [(r["data"]["previous"], r["data"]["lead"]) for r in lead_changes] == [("RSJ", "ZGH")]

    viewer = token("department_viewer")

    async def official_everywhere() -> bool:  # the position covers one stream; the others follow on their partitions
        rows = await board(gateway, viewer)
        return len(rows) == 22 and not any(r["example"] for r in rows.values()) and rows["M15"]["lead"]["code"] == "ZGH"
    await eventually(official_everywhere)
    assert (await board(gateway, viewer))["M15"]["lead"] == {"code": "ZGH", "name": "市总工会"}


async def test_a_plan_with_an_unknown_department_is_refused_and_nothing_is_stored(branches, db, token):
    body = plan_body(read_plan())
    body["measures"][3]["lead"] = "NOPE"
    before = await db.fetchval("SELECT count(*) FROM events")
    refused = await branches.post("/measures/plan", json=body, headers=bearer(token("admin")))
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "lead", refused.text
    district_admin = await branches.post("/measures/plan", json=plan_body(read_plan()),
                                         headers=bearer(token("admin", CHAOYANG)))
    assert district_admin.status_code == 403
    assert await db.fetchval("SELECT count(*) FROM events") == before


async def test_the_lead_department_reports_another_is_refused_and_stale_follows_the_clock(gateway, db, token):
    tsw = token("department_staff", department="TSW")
    today = Clock().today()
    ten_days_ago = today - timedelta(days=10)  # the report's own date: the work was done then
    reported = data(await gql(gateway, REPORT, {"m": "M09", "p": 30, "n": "新建 40 个流动团支部",
                                                "e": ["https://example.org/m09.pdf"], "on": ten_days_ago.isoformat()},
                              token=tsw))
    before = await db.fetchval("SELECT count(*) FROM events")
    refused = errors_of(await gql(gateway, REPORT, {"m": "M09", "p": 50, "n": "代报"},
                                  token=token("department_staff", department="SFJ")))
    assert (refused["code"], refused["rule"]) == ("FORBIDDEN", "department") and "团市委" in refused["message"]
    viewer = errors_of(await gql(gateway, REPORT, {"m": "M09", "p": 50, "n": "x"}, token=token("department_viewer")))
    assert viewer["code"] == "FORBIDDEN"
    assert await db.fetchval("SELECT count(*) FROM events") == before

    rows = await board(gateway, tsw, reported["reportMeasureProgress"]["position"])
    assert list(rows)[0] == "M01" and rows["M09"]["mine"] and not rows["M15"]["mine"]  # its own first
    assert (rows["M09"]["progress"], rows["M09"]["lastNote"], rows["M09"]["evidence"], rows["M09"]["lastReportOn"]) \
        == (30, "新建 40 个流动团支部", ["https://example.org/m09.pdf"], ten_days_ago.isoformat())
    assert not any(r["stale"] for r in rows.values())

    # stale: more than 92 days (XQ_MEASURE_STALE_DAYS) since the last report, or since definition (today)
    rt = gateway.app.state.runtime
    midnight = datetime(today.year, today.month, today.day, 4, tzinfo=UTC)
    seen = {}
    try:
        for days in (82, 83, 92, 93):
            rt.deps.clock = Clock.fixed(midnight + timedelta(days=days))
            seen[days] = {k for k, r in (await board(gateway, tsw)).items() if r["stale"]}
        agenda = data(await gql(gateway, AGENDA, {}, token=token("admin")))["nextMeetingAgenda"]
    finally:
        rt.deps.clock = Clock()
    assert seen[82] == set() and seen[83] == seen[92] == {"M09"} and len(seen[93]) == 22
    assert {m["id"] for m in agenda["staleMeasures"]} == seen[93]


async def test_a_district_meeting_decides_items_that_their_assignees_close(gateway, branches, db, token):
    chaoyang = token("admin", CHAOYANG)
    today = Clock().today()
    due = today + timedelta(days=10)
    recorded = data(await gql(gateway, RECORD, {"i": {
        "level": "DISTRICT", "district": CHAOYANG, "heldOn": today.isoformat(), "attending": ["RSJ", "ZGH", "TSW"],
        "topics": ["骑手社会保障"], "decisions": [{"text": "在暖心驿站设社保咨询点", "items": [
            {"title": "驿站社保咨询", "assigneeKind": "DEPARTMENT", "assignee": "RSJ", "dueOn": due.isoformat()},
            {"title": "摸底站点", "assigneeKind": "DISTRICT", "assignee": CHAOYANG, "dueOn": due.isoformat()}]}]}},
        token=chaoyang))["recordJointMeeting"]
    rsj_item, district_item = recorded["itemIds"]
    other_district = errors_of(await gql(gateway, RECORD, {"i": {
        "level": "DISTRICT", "district": HAIDIAN, "heldOn": today.isoformat(), "attending": ["RSJ"],
        "topics": ["x"]}}, token=chaoyang))
    assert other_district["rule"] == "district"

    rsj = token("department_staff", department="RSJ")
    # a position holds for its own stream: the meeting's says nothing of its items' streams
    items = data(await gql(gateway, ITEMS, {"pos": f"action-item-{rsj_item}@1"}, token=rsj))["actionItems"]["nodes"]
    assert [(i["id"], i["mine"]) for i in items][0] == (rsj_item, True)  # its own first
    assert {i["district"] for i in items} == {CHAOYANG}

    refused = errors_of(await gql(gateway, NOTE, {"i": rsj_item, "n": "代办"},
                                  token=token("department_staff", department="SFJ")))
    assert (refused["code"], refused["rule"]) == ("FORBIDDEN", "department")
    noted = data(await gql(gateway, NOTE, {"i": rsj_item, "n": "已开设 3 个咨询点"}, token=rsj))
    done = data(await gql(gateway, DONE, {"i": rsj_item}, token=rsj))["completeActionItem"]
    assert done["id"] == rsj_item
    assert noted["noteActionItemProgress"]["id"] == rsj_item
    again = errors_of(await gql(gateway, DONE, {"i": rsj_item}, token=rsj))
    assert again["code"] == "RULE_VIOLATED"

    # overdue: the day after the due date the job marks the open one, once; the closed one never
    runtime = branches.app.state.runtime
    assert await jobs.mark_overdue_items(runtime.pool, runtime.deps.stores, due) == 0
    assert await jobs.mark_overdue_items(runtime.pool, runtime.deps.stores, due + timedelta(days=1)) == 1
    assert await jobs.mark_overdue_items(runtime.pool, runtime.deps.stores, due + timedelta(days=2)) == 0
    marked = await db.fetchval("SELECT version FROM events WHERE stream_id = $1 "
                               "AND event_type = 'xq.branches.action-item.overdue.v1'", f"action-item-{district_item}")
    position = f"action-item-{district_item}@{marked}"
    await gql(gateway, ITEMS, {"pos": done["position"]}, token=chaoyang)  # the other item's stream too
    rows = data(await gql(gateway, ITEMS, {"pos": position, "open": False}, token=chaoyang))["actionItems"]["nodes"]
    by_id = {i["id"]: i for i in rows}
    assert (by_id[rsj_item]["status"], by_id[rsj_item]["overdue"], by_id[rsj_item]["lastNote"]) == \
        ("DONE", False, "已开设 3 个咨询点")
    assert (by_id[district_item]["status"], by_id[district_item]["overdue"]) == ("OPEN", True)
    agenda = data(await gql(gateway, AGENDA, {"d": CHAOYANG}, token=chaoyang))["nextMeetingAgenda"]
    assert [i["id"] for i in agenda["overdueItems"]] == [district_item]
    haidian = errors_of(await gql(gateway, AGENDA, {"d": HAIDIAN}, token=chaoyang))
    assert haidian["rule"] == "district"

    closed = data(await gql(gateway, DONE, {"i": district_item}, token=chaoyang))["completeActionItem"]
    rows = data(await gql(gateway, ITEMS, {"pos": closed["position"]}, token=chaoyang))["actionItems"]["nodes"]
    assert rows == []  # both closed by their assignees: nothing open


MEETINGS = """query($pos: String) { jointMeetings(minPosition: $pos) { nodes { id level district topics decisions
    attending { code name } items { id assignee } } } }"""


async def test_the_agenda_lists_the_open_hot_topics_of_its_scope(gateway, settings, token):
    """集中诉求 from the 12345 side (gv_hot_topics, as gateway/projections/governance.py writes it): the open
    ones of the agenda's district, not another district's, not one whose governance item is done."""
    rows = [("ht-open-cy", CHAOYANG, "OPEN"), ("ht-done-cy", CHAOYANG, "DONE"), ("ht-open-hd", HAIDIAN, "OPEN")]
    conn = await asyncpg.connect(settings.database_url(settings.database("gateway")))
    try:
        await conn.executemany("INSERT INTO gv_hot_topics (hot_topic_id, category, district, week, count, baseline, "
                               "detected_at, status) VALUES ($1, 'WAGE_ARREARS', $2, '2026-W48', 12, 3.5, now(), $3)",
                               rows)
    finally:
        await conn.close()
    agenda = data(await gql(gateway, AGENDA, {"d": CHAOYANG}, token=token("admin")))["nextMeetingAgenda"]
    mine = [t for t in agenda["hotTopics"] if t["id"].startswith("ht-")]
    assert mine == [{"id": "ht-open-cy", "category": "WAGE_ARREARS", "district": CHAOYANG, "status": "OPEN"}]
    scoped = data(await gql(gateway, AGENDA, {}, token=token("admin", HAIDIAN)))["nextMeetingAgenda"]
    assert [t["id"] for t in scoped["hotTopics"] if t["id"].startswith("ht-")] == ["ht-open-hd"]


async def test_meetings_are_listed_in_the_callers_scope(gateway, token):
    today = Clock().today().isoformat()
    city = data(await gql(gateway, RECORD, {"i": {
        "level": "CITY", "heldOn": today, "attending": ["TSW", "RSJ"], "topics": ["全市推进"],
        "decisions": [{"text": "各区摸底", "items": [
            {"title": "海淀摸底", "assigneeKind": "DISTRICT", "assignee": HAIDIAN, "dueOn": today},
            {"title": "全市政策", "assigneeKind": "DEPARTMENT", "assignee": "RSJ", "dueOn": today}]}]}},
        token=token("admin")))["recordJointMeeting"]
    haidian = data(await gql(gateway, RECORD, {"i": {
        "level": "DISTRICT", "district": HAIDIAN, "heldOn": today, "attending": ["TSW"], "topics": ["海淀"]}},
        token=token("admin", HAIDIAN)))["recordJointMeeting"]
    city_only = errors_of(await gql(gateway, RECORD, {"i": {
        "level": "CITY", "heldOn": today, "attending": ["TSW"], "topics": ["x"]}}, token=token("admin", CHAOYANG)))
    assert city_only["rule"] == "district"

    everything = data(await gql(gateway, MEETINGS, {"pos": haidian["position"]}, token=token("department_viewer")))
    ids = {m["id"]: m for m in everything["jointMeetings"]["nodes"]}
    assert {city["id"], haidian["id"]} <= set(ids)
    assert ids[city["id"]]["attending"] == [{"code": "TSW", "name": "团市委"}, {"code": "RSJ", "name": "市人力社保局"}]
    assert {i["id"] for i in ids[city["id"]]["items"]} == set(city["itemIds"])

    chaoyang = data(await gql(gateway, MEETINGS, {"pos": city["position"]},
                              token=token("department_viewer", CHAOYANG)))["jointMeetings"]["nodes"]
    seen = {m["id"]: m for m in chaoyang}
    assert haidian["id"] not in seen  # another district's meeting
    assert [i["assignee"] for i in seen[city["id"]]["items"]] == ["RSJ"]  # the city's, without Haidian's item
