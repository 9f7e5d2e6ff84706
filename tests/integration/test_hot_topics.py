"""The 12345 side on the real stack (GraphQL → stations → store → Kafka → gateway read models): an appeal's
text read by its district's staff, audited, sealed at rest and never logged; hot topics detected once per
category, district and week (reruns and concurrent runs); governance items opened, acted on, overdue and
done; the dashboard's case and governance figures equal a recount; erasure of a youth whose case came from
an appeal leaves the counts and takes the words."""
from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

import asyncpg
import orjson

from chassis.clock import BEIJING, beijing_week
from services.stations.jobs import detect_hot_topics, remind_overdue_governance
from tests.integration.stations_support import caught_up, gql, ok, register_youth
from tests.integration.test_registry_erasure import dump_database
from tests.support import CapturedLogs

TEXT = "外卖骑手李某来电：平台连续三周扣罚配送费，电话13812345670"
ADDRESS = "怀柔区青春路 8 号院 3 单元"
IMPORT = "mutation($i: ImportAppealInput!) { importAppeal(input: $i) { id position } }"
DETAILS = """query($a: ID!) { appealDetails(appealId: $a, purpose: "核实集中诉求") {
  description address lat lon erased } }"""
TOPICS = """query($f: HotTopicFilter) { hotTopics(filter: $f, first: 10) { nodes { id category district week count
  baseline status governanceItemId appeals(first: 20) { id category week } } } }"""
ITEMS = """query($f: GovernanceFilter) { governanceItems(filter: $f, first: 10) { nodes { id hotTopicId title
  assigneeKind assignee dueOn status actionCount overdue doneInTime actions { number text }
  appeals(first: 20) { id } } } }"""
OPEN_ITEM = """mutation($t: ID!, $i: OpenGovernanceItemInput!) { openGovernanceItem(hotTopicId: $t, input: $i) {
  id position } }"""
FIGURES = """query($d: String, $p: String) { dashboard(district: $d, minPosition: $p) { cases {
  casesOpened responded averageResponseHours respondedInTimeRate
  byCategory { key opened responded averageResponseHours } byDistrict { key opened }
  referrals { agency referred accepted declined acceptanceRate }
  openHotTopics governanceOpen governanceOverdue } } }"""


def refusal(result: dict) -> dict:
    return result["errors"][0]["extensions"]


async def import_appeal(gateway, token: str, district: str, at: datetime, category: str | None = None,
                        **extra) -> dict:
    given = {"serviceRequestId": f"12345-{uuid.uuid4().hex[:12]}", "serviceCode": "PLATFORM", "tier": "GENERAL",
             "serviceName": "平台扣罚", "requestedDatetime": at.isoformat(), "district": district} | extra
    if category:
        given["category"] = category
    return (await ok(gateway, IMPORT, {"i": given}, token))["importAppeal"]


async def stations_db(settings) -> asyncpg.Connection:
    return await asyncpg.connect(settings.database_url(settings.database("stations")))


async def gateway_db(settings) -> asyncpg.Connection:
    return await asyncpg.connect(settings.database_url(settings.database("gateway")))


async def test_an_appeals_text_is_read_by_its_districts_staff_audited_and_sealed(gateway, settings, token):
    staff = token("station_staff", district="110116", subject="huairou-worker")
    logs = CapturedLogs()
    logging.getLogger().addHandler(logs)
    try:
        appeal = await import_appeal(gateway, staff, "110116", datetime.now(BEIJING) - timedelta(hours=1),
                                     description=TEXT, address=ADDRESS, lat=40.32, long=116.63)
        read = (await ok(gateway, DETAILS, {"a": appeal["id"]}, staff))["appealDetails"]
        assert read == {"description": TEXT, "address": ADDRESS, "lat": 40.32, "lon": 116.63, "erased": False}
        admin = (await ok(gateway, DETAILS, {"a": appeal["id"]}, token("admin", subject="city-admin")))
        assert admin["appealDetails"]["description"] == TEXT
        other = refusal(await gql(gateway, DETAILS, {"a": appeal["id"]}, token("station_staff", district="110105")))
        assert (other["code"], other["rule"]) == ("FORBIDDEN", "district")
        for role in ("department_viewer", "registry_operator", "branch_secretary"):
            assert refusal(await gql(gateway, DETAILS, {"a": appeal["id"]}, token(role, district="110116")))["rule"] \
                == "role"
        blank = await gql(gateway, DETAILS.replace("核实集中诉求", "  "), {"a": appeal["id"]}, staff)
        assert refusal(blank)["code"] == "VALIDATION"
        # Its category: set by the district's staff (a command and its event), refused to another district's.
        categorise = 'mutation($a: ID!) { categoriseAppeal(appealId: $a, category: PLATFORM_RULES) { position } }'
        elsewhere = await gql(gateway, categorise, {"a": appeal["id"]}, token("station_staff", district="110105"))
        assert (refusal(elsewhere)["code"], refusal(elsewhere)["rule"]) == ("FORBIDDEN", "district")
        position = (await ok(gateway, categorise, {"a": appeal["id"]}, staff))["categoriseAppeal"]["position"]
        await caught_up(gateway, staff, [position])
        listed = await ok(gateway, 'query { appeals(district: "110116", first: 100) { nodes { id category week } } }',
                          None, staff)
        mine = next(n for n in listed["appeals"]["nodes"] if n["id"] == appeal["id"])
        assert mine["category"] == "PLATFORM_RULES" and mine["week"] == beijing_week(datetime.now(BEIJING)
                                                                                     - timedelta(hours=1))
    finally:
        logging.getLogger().removeHandler(logs)
    conn = await stations_db(settings)
    try:
        audit = await conn.fetch("SELECT actor, purpose, district FROM appeal_reads WHERE appeal_id = $1 ORDER BY id",
                                 appeal["id"])
        row = await conn.fetchrow("SELECT description, address, lat, sealed FROM appeal_details WHERE appeal_id = $1",
                                  appeal["id"])
    finally:
        await conn.close()
    # Who, when (the row's time), which appeal, why: the two reads that were answered, none of the refused.
    assert [(r["actor"], r["purpose"]) for r in audit] == [("huairou-worker", "核实集中诉求"), ("city-admin", "核实集中诉求")]
    assert row["description"] is None and row["address"] is None and row["lat"] is None and row["sealed"]
    for secret in (TEXT, ADDRESS, "13812345670"):
        assert not any(secret in line for line in logs.lines)
    stations_dump = await dump_database(settings, "stations")
    gateway_dump = await dump_database(settings, "gateway")
    for secret in (TEXT, ADDRESS):
        assert secret not in stations_dump and secret.encode().hex() not in stations_dump  # sealed at rest
        assert secret not in gateway_dump


async def make_weeks(gateway, staff: str, district: str, category: str, now: datetime, previous: int,
                     current: int) -> list[str]:
    """`previous` appeals of `category` in each of the four weeks before `now`'s, `current` in its week."""
    positions = []
    for weeks_back in (4, 3, 2, 1):
        for _ in range(previous):
            positions.append((await import_appeal(gateway, staff, district, now - timedelta(weeks=weeks_back),
                                                  category))["position"])
    for _ in range(current):
        positions.append((await import_appeal(gateway, staff, district, now, category))["position"])
    return positions


async def test_a_hot_topic_is_recorded_once_per_week_category_and_district(gateway, stations, settings, token):
    staff = token("station_staff", district="110116")
    now = datetime(2026, 6, 10, 12, 0, tzinfo=BEIJING)  # the clock, injected: Wednesday of 2026-W24
    rt = stations.app.state.runtime
    await make_weeks(gateway, staff, "110116", "PLATFORM_RULES", now, previous=3, current=5)
    assert await detect_hot_topics(rt, now) == 0  # 5 < 2 × 3: not (yet) hot
    sixth = await import_appeal(gateway, staff, "110116", now + timedelta(hours=1), "PLATFORM_RULES")
    assert await detect_hot_topics(rt, now + timedelta(hours=2)) == 1
    assert await detect_hot_topics(rt, now + timedelta(hours=3)) == 0  # a rerun: already recorded this week
    # Two runs at once (two replicas) on another category: recorded exactly once.
    await make_weeks(gateway, staff, "110116", "WAGE_ARREARS", now, previous=0, current=5)
    assert sum(await asyncio.gather(detect_hot_topics(rt, now), detect_hot_topics(rt, now))) == 1
    # A later appeal recategorised away leaves the count where it was detected; nothing new is recorded.
    moved = f'mutation {{ categoriseAppeal(appealId: "{sixth["id"]}", category: HOUSING) {{ position }} }}'
    position = (await ok(gateway, moved, None, staff))["categoriseAppeal"]["position"]
    assert await detect_hot_topics(rt, now + timedelta(hours=4)) == 0

    conn = await stations_db(settings)
    try:
        recorded = await conn.fetch("SELECT data FROM events WHERE event_type = 'xq.stations.governance.hot-topic-"
                                    "detected.v1' AND data->>'district' = '110116' ORDER BY global_position")
        counts = await conn.fetch("SELECT category, count FROM appeal_week_counts WHERE district = '110116' "
                                  "AND week = '2026-W24' ORDER BY category")
    finally:
        await conn.close()
    found = [orjson.loads(r["data"]) for r in recorded]
    assert [(d["category"], d["week"], d["count"], d["baseline"]) for d in found] == [
        ("PLATFORM_RULES", "2026-W24", 6, 3.0), ("WAGE_ARREARS", "2026-W24", 5, 0.0)]
    assert [(r["category"], r["count"]) for r in counts] == [("HOUSING", 1), ("PLATFORM_RULES", 5),
                                                             ("WAGE_ARREARS", 5)]

    await caught_up(gateway, staff, [position])
    topics = (await ok(gateway, TOPICS, {"f": {"week": "2026-W24", "category": "PLATFORM_RULES"}}, staff))
    [topic] = topics["hotTopics"]["nodes"]
    assert (topic["district"], topic["count"], topic["baseline"], topic["status"]) == ("110116", 6, 3.0, "OPEN")
    assert len(topic["appeals"]) == 5 and {a["week"] for a in topic["appeals"]} == {"2026-W24"}
    chaoyang = (await ok(gateway, TOPICS, {}, token("station_staff", district="110105")))["hotTopics"]["nodes"]
    assert topic["id"] not in [n["id"] for n in chaoyang]  # another district's staff do not see it
    bad_week = await gql(gateway, TOPICS, {"f": {"week": "2026-24"}}, staff)
    assert refusal(bad_week)["code"] == "VALIDATION"


async def hot_topic_in(gateway, stations, staff: str, district: str) -> dict:
    """A hot topic of LABOUR_DISPUTE in `district`, this (real) week: five appeals and the job."""
    now = datetime.now(BEIJING).replace(microsecond=0) - timedelta(minutes=5)
    positions = await make_weeks(gateway, staff, district, "LABOUR_DISPUTE", now, previous=0, current=5)
    assert await detect_hot_topics(stations.app.state.runtime, now + timedelta(minutes=1)) >= 1
    await caught_up(gateway, staff, positions)

    async def listed() -> list:
        return (await ok(gateway, TOPICS, {"f": {"week": beijing_week(now), "category": "LABOUR_DISPUTE"}},
                         staff))["hotTopics"]["nodes"]
    for _ in range(100):
        if nodes := await listed():
            return nodes[0]
        await asyncio.sleep(0.1)
    raise AssertionError("the hot topic never reached the read model")


async def figures(gateway, token: str, district: str, position: str | None = None) -> dict:
    return (await ok(gateway, FIGURES, {"d": district, "p": position}, token))["dashboard"]["cases"]


async def governance_recount(settings, district: str) -> dict:
    conn = await gateway_db(settings)
    try:
        return dict(await conn.fetchrow(
            """SELECT (SELECT count(*) FROM gv_hot_topics WHERE district = $1 AND status = 'OPEN')::int AS hot,
                      (SELECT count(*) FROM gv_items WHERE district = $1 AND status = 'OPEN')::int AS open,
                      (SELECT count(*) FROM gv_items WHERE district = $1 AND status = 'OPEN' AND overdue)::int
                          AS overdue""", district))
    finally:
        await conn.close()


async def test_a_governance_item_is_opened_acted_on_marked_overdue_and_done(gateway, stations, settings, token):
    staff = token("station_staff", district="110117")
    admin = token("admin")
    topic = await hot_topic_in(gateway, stations, staff, "110117")
    tomorrow = (datetime.now(BEIJING) + timedelta(days=1)).date()
    given = {"title": "劳动争议集中治理", "assigneeKind": "DEPARTMENT", "assignee": "市人力社保局",
             "dueOn": tomorrow.isoformat()}
    elsewhere = await gql(gateway, OPEN_ITEM, {"t": topic["id"], "i": given}, token("station_staff", district="110105"))
    assert (refusal(elsewhere)["code"], refusal(elsewhere)["rule"]) == ("FORBIDDEN", "district")
    viewer = await gql(gateway, OPEN_ITEM, {"t": topic["id"], "i": given}, token("department_viewer"))
    assert refusal(viewer)["rule"] == "role"
    past = await gql(gateway, OPEN_ITEM, {"t": topic["id"], "i": given | {"dueOn": "2020-01-01"}}, staff)
    assert refusal(past)["code"] == "VALIDATION" and refusal(past)["field"] == "dueOn"
    opened = (await ok(gateway, OPEN_ITEM, {"t": topic["id"], "i": given}, staff))["openGovernanceItem"]
    twice = await gql(gateway, OPEN_ITEM, {"t": topic["id"], "i": given}, staff)
    assert refusal(twice)["rule"] == "already_opened"
    item_id = opened["id"]
    early = await gql(gateway, f'mutation {{ completeGovernanceItem(itemId: "{item_id}") {{ id }} }}', None, staff)
    assert refusal(early)["rule"] == "no_action"
    act = 'mutation($i: ID!, $t: String!) { addGovernanceAction(itemId: $i, text: $t) { position } }'
    await ok(gateway, act, {"i": item_id, "t": "约谈辖区主要平台企业"}, staff)
    acted = (await ok(gateway, act, {"i": item_id, "t": "开展劳动用工专项检查"}, staff))["addGovernanceAction"]

    rt = stations.app.state.runtime
    assert await remind_overdue_governance(rt, datetime.now(BEIJING)) == 0  # due tomorrow: not yet
    assert await remind_overdue_governance(rt, datetime.now(BEIJING) + timedelta(days=3)) == 1
    assert await remind_overdue_governance(rt, datetime.now(BEIJING) + timedelta(days=4)) == 0  # once
    await caught_up(gateway, staff, [acted["position"]])
    for _ in range(100):
        [item] = (await ok(gateway, ITEMS, {"f": {"district": "110117"}}, staff))["governanceItems"]["nodes"]
        if item["overdue"]:
            break
        await asyncio.sleep(0.1)
    assert item | {"id": None} == {
        "id": None, "hotTopicId": topic["id"], "title": "劳动争议集中治理", "assigneeKind": "DEPARTMENT",
        "assignee": "市人力社保局", "dueOn": tomorrow.isoformat(), "status": "OPEN", "actionCount": 2, "overdue": True,
        "doneInTime": None, "actions": [{"number": 1, "text": "约谈辖区主要平台企业"},
                                        {"number": 2, "text": "开展劳动用工专项检查"}],
        "appeals": [{"id": a["id"]} for a in topic["appeals"]]}
    shown = await figures(gateway, admin, "110117")
    assert (shown["openHotTopics"], shown["governanceOpen"], shown["governanceOverdue"]) == (1, 1, 1)
    assert await governance_recount(settings, "110117") == {"hot": 1, "open": 1, "overdue": 1}

    done = (await ok(gateway, f'mutation {{ completeGovernanceItem(itemId: "{item_id}") {{ position }} }}', None,
                     staff))["completeGovernanceItem"]
    after = await figures(gateway, admin, "110117", done["position"])
    assert (after["openHotTopics"], after["governanceOpen"], after["governanceOverdue"]) == (0, 0, 0)
    assert await governance_recount(settings, "110117") == {"hot": 0, "open": 0, "overdue": 0}
    [item] = (await ok(gateway, ITEMS, {"f": {"district": "110117", "status": "DONE"}}, staff))["governanceItems"]["nodes"]
    assert item["doneInTime"] is True  # done before its due day ended, though marked on a clock days ahead
    again = await gql(gateway, act, {"i": item_id, "t": "再补一项"}, staff)
    assert refusal(again)["rule"] == "already_done"


CASE = """mutation($input: OpenCaseInput!) { openCase(input: $input) { id position } }"""


def step(name: str, args: str) -> str:
    return f"mutation($c: ID!) {{ {name}(caseId: $c, {args}) {{ id position }} }}"


async def test_the_dashboards_case_figures_equal_a_recount_from_the_events(gateway, settings, token):
    staff = token("station_staff", district="110118")
    admin = token("admin")
    made = []
    for category in ("WAGE_ARREARS", "WAGE_ARREARS", "HOUSING", "LEGAL_AID", "OTHER"):
        made.append((await ok(gateway, CASE, {"input": {"category": category, "district": "110118",
                                                         "summary": "来访咨询"}}, staff))["openCase"])
    ids = [m["id"] for m in made]
    positions = [m["position"] for m in made]
    triage = 'category: {c}, urgency: NORMAL, assignee: "密云区服务站"'
    for cid, category in zip(ids[:4], ("WAGE_ARREARS", "LABOUR_DISPUTE", "HOUSING", "LEGAL_AID"), strict=True):
        positions.append((await ok(gateway, step("triageCase", triage.format(c=category)), {"c": cid}, staff))
                         ["triageCase"]["position"])
    for cid, agency, accepted in ((ids[0], "HRSS", True), (ids[1], "HRSS", False), (ids[3], "JUSTICE", True)):
        await ok(gateway, step("referCase", f'agency: "{agency}", consent: true'), {"c": cid}, staff)
        answer = "accepted: true" if accepted else 'accepted: false, reason: "不属受理范围"'
        positions.append((await ok(gateway, step("recordAgencyAnswer", answer), {"c": cid}, staff))
                         ["recordAgencyAnswer"]["position"])
    await caught_up(gateway, staff, positions)
    shown = await figures(gateway, admin, "110118")

    conn = await stations_db(settings)
    try:
        opened = await conn.fetch(
            """SELECT e.stream_id, e.data->>'category' AS category, (e.data->>'opened_at')::timestamptz AS at,
                      t.data->>'category' AS triaged, (t.data->>'triaged_at')::timestamptz AS triaged_at,
                      (t.data->>'in_time')::bool AS in_time
                 FROM events e LEFT JOIN events t ON t.stream_id = e.stream_id
                                                 AND t.event_type = 'xq.stations.case.triaged.v1'
                WHERE e.event_type = 'xq.stations.case.opened.v1' AND e.data->>'district' = '110118'""")
        answers = await conn.fetch(
            """SELECT r.data->>'agency' AS agency, a.event_type FROM events r JOIN events o
                 ON o.stream_id = r.stream_id AND o.event_type = 'xq.stations.case.opened.v1'
                 AND o.data->>'district' = '110118'
                 LEFT JOIN events a ON a.stream_id = r.stream_id AND a.version = r.version + 1
                WHERE r.event_type = 'xq.stations.case.referred.v1'""")
    finally:
        await conn.close()
    by_category: dict[str, int] = {}
    for r in opened:
        key = r["triaged"] or r["category"]
        by_category[key] = by_category.get(key, 0) + 1
    responded = [r for r in opened if r["triaged"]]
    seconds = sum(int((r["triaged_at"] - r["at"]).total_seconds()) for r in responded)
    assert shown["casesOpened"] == len(opened) == 5
    assert {c["key"]: c["opened"] for c in shown["byCategory"]} == by_category
    assert shown["byDistrict"] == [{"key": "110118", "opened": len(opened)}]
    assert shown["responded"] == len(responded) == 4
    assert shown["averageResponseHours"] == round(seconds / len(responded) / 3600, 2)
    assert shown["respondedInTimeRate"] == round(sum(r["in_time"] for r in responded) / len(responded), 4)
    recount: dict[str, dict[str, int]] = {}
    for r in answers:
        counts = recount.setdefault(r["agency"], {"referred": 0, "accepted": 0, "declined": 0})
        counts["referred"] += 1
        if r["event_type"] == "xq.stations.case.agency-accepted.v1":
            counts["accepted"] += 1
        elif r["event_type"] == "xq.stations.case.agency-declined.v1":
            counts["declined"] += 1
    assert {a["agency"]: {k: a[k] for k in ("referred", "accepted", "declined")} for a in shown["referrals"]} \
        == recount == {"HRSS": {"referred": 2, "accepted": 1, "declined": 1},
                       "JUSTICE": {"referred": 1, "accepted": 1, "declined": 0}}
    assert {a["agency"]: a["acceptanceRate"] for a in shown["referrals"]} == {"HRSS": 0.5, "JUSTICE": 1.0}
    # The list's filters by handling unit and agency (cursor pages of cs_cases).
    listing = """query($f: CaseFilter, $after: String) { cases(filter: $f, first: 2, after: $after) {
      nodes { id } pageInfo { hasNextPage endCursor } } }"""
    justice = await ok(gateway, listing, {"f": {"district": "110118", "agency": "JUSTICE"}}, staff)
    assert [n["id"] for n in justice["cases"]["nodes"]] == [ids[3]]
    unit = {"district": "110118", "unit": "密云区服务站"}
    first = (await ok(gateway, listing, {"f": unit}, staff))["cases"]
    rest = (await ok(gateway, listing, {"f": unit, "after": first["pageInfo"]["endCursor"]}, staff))["cases"]
    assert first["pageInfo"]["hasNextPage"] and not rest["pageInfo"]["hasNextPage"]
    assert sorted(n["id"] for n in first["nodes"] + rest["nodes"]) == sorted(ids[:4])
    # The city's figures hold this district's too (a city-wide token, no district).
    city = await figures(gateway, admin, None)
    assert city["casesOpened"] >= 5 and any(d["key"] == "110118" for d in city["byDistrict"])


async def test_erasure_takes_the_appeals_words_and_leaves_the_counts(gateway, stations, settings, token):
    staff = token("station_staff", district="110119")
    admin = token("admin")
    youth = await register_youth(gateway, stations, token("registry_operator"), "13700000091")
    appeal = await import_appeal(gateway, staff, "110119", datetime.now(BEIJING) - timedelta(hours=2),
                                 "WAGE_ARREARS", description=TEXT, address=ADDRESS)
    case = (await ok(gateway, CASE, {"input": {"category": "WAGE_ARREARS", "district": "110119", "summary": TEXT,
                                               "appealId": appeal["id"], "youthId": youth}}, staff))["openCase"]
    before = await figures(gateway, admin, "110119", case["position"])
    assert before["casesOpened"] == 1
    assert (await ok(gateway, DETAILS, {"a": appeal["id"]}, staff))["appealDetails"]["description"] == TEXT

    erased = await ok(gateway, f'mutation {{ eraseYouth(id: "{youth}", purpose: "本人申请") {{ position }} }}', None,
                      token("registry_operator"))
    runner = stations.app.state.runtime.projections["stations.youth"]
    assert await runner.wait_for(erased["eraseYouth"]["position"], 30)
    assert (await ok(gateway, DETAILS, {"a": appeal["id"]}, staff))["appealDetails"] == {
        "description": None, "address": None, "lat": None, "lon": None, "erased": True}
    assert await figures(gateway, admin, "110119") == before  # the counts stay
    appeals = await ok(gateway, 'query { appeals(district: "110119") { nodes { id category } } }', None, staff)
    assert {"id": appeal["id"], "category": "WAGE_ARREARS"} in appeals["appeals"]["nodes"]

