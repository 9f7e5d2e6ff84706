"""Cases (求助个案) on the real stack: the staff loop through GraphQL → stations → store → Kafka → gateway read
model; consent and district refusals; deadlines and overdue reminders on a fixed clock; the summary sealed
(nowhere on Kafka, in logs or read models) and shredded when its youth is erased."""
from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from chassis.clock import Clock
from chassis.tracing import setup_tracing
from services.stations.jobs import remind_overdue_cases
from tests.integration.stations_support import caught_up, gql, ok, register_youth
from tests.integration.test_registry_erasure import dump_database, every_record
from tests.support import CapturedLogs, eventually

SUMMARY = "外卖骑手王某反映：站长拖欠三个月工资共计一万二千元，电话13912345678"
OPEN = """mutation($input: OpenCaseInput!) { openCase(input: $input) { id version position } }"""
CASES = """query($f: CaseFilter) { cases(filter: $f, first: 50) { nodes { id status category urgency district
  assignee agency agencyReason outcome rating firstResponseInTime firstResponseOverdue resolutionOverdue
  resolvedInTime reopened } } }"""
SUMMARY_READ = """query($c: ID!) { caseSummary(caseId: $c, purpose: "跟进调解") { summary erased } }"""


def step(name: str, args: str) -> str:
    return f"mutation($c: ID!) {{ {name}(caseId: $c, {args}) {{ id version position }} }}"


async def open_case(gateway, token: str, **fields) -> dict:
    given = {"category": "WAGE_ARREARS", "district": "110105", "summary": SUMMARY} | fields
    return (await ok(gateway, OPEN, {"input": given}, token))["openCase"]


async def listed(gateway, token: str, case_id: str, position: str) -> dict | None:
    await caught_up(gateway, token, [position])
    nodes = (await ok(gateway, CASES, {}, token))["cases"]["nodes"]
    return next((n for n in nodes if n["id"] == case_id), None)


def refusal(result: dict) -> dict:
    return result["errors"][0]["extensions"]


async def test_a_walk_in_goes_round_the_loop_and_the_read_model_follows(gateway, stations, settings, token):
    staff = token("station_staff", district="110105", subject="worker-1")
    youth = await register_youth(gateway, stations, token("registry_operator"), "13700000071")
    opened = await open_case(gateway, staff, youthId=youth, urgency="URGENT")
    cid = opened["id"]
    assert (await listed(gateway, staff, cid, opened["position"]))["status"] == "OPEN"

    await ok(gateway, step("triageCase", 'category: WAGE_ARREARS, urgency: URGENT, assignee: "朝阳区维权站"'),
             {"c": cid}, staff)
    refused = await gql(gateway, step("referCase", 'agency: "HRSS", consent: false'), {"c": cid}, staff)
    assert refusal(refused)["code"] == "RULE_VIOLATED" and refusal(refused)["rule"] == "consent_required"
    assert "同意" in refused["errors"][0]["message"]
    await ok(gateway, step("referCase", 'agency: "HRSS", consent: true'), {"c": cid}, staff)
    await ok(gateway, step("recordAgencyAnswer", 'accepted: false, reason: "不属受理范围"'), {"c": cid}, staff)
    await ok(gateway, step("referCase", 'agency: "UNION", consent: true'), {"c": cid}, staff)
    await ok(gateway, step("recordAgencyAnswer", "accepted: true"), {"c": cid}, staff)
    await ok(gateway, step("startCaseMediation", "at: null"), {"c": cid}, staff)
    await ok(gateway, step("resolveCase", "outcome: SETTLED"), {"c": cid}, staff)
    rated = (await ok(gateway, step("rateCase", "rating: 5"), {"c": cid}, staff))["rateCase"]

    row = await listed(gateway, staff, cid, rated["position"])
    assert row | {"id": None} == {
        "id": None, "status": "RATED", "category": "WAGE_ARREARS", "urgency": "URGENT", "district": "110105",
        "assignee": "朝阳区维权站", "agency": "UNION", "agencyReason": None, "outcome": "SETTLED", "rating": 5,
        "firstResponseInTime": True, "firstResponseOverdue": False, "resolutionOverdue": False,
        "resolvedInTime": True, "reopened": 0}
    filtered = await ok(gateway, CASES, {"f": {"status": "RATED", "category": "WAGE_ARREARS"}}, staff)
    assert cid in [n["id"] for n in filtered["cases"]["nodes"]]
    housing = (await ok(gateway, CASES, {"f": {"category": "HOUSING"}}, staff))["cases"]["nodes"]
    assert all(n["category"] == "HOUSING" for n in housing) and cid not in [n["id"] for n in housing]

    reopened = (await ok(gateway, step("reopenCase", 'reason: "欠薪未到账"'), {"c": cid}, staff))["reopenCase"]
    row = await listed(gateway, staff, cid, reopened["position"])
    assert row["status"] == "TRIAGED" and row["reopened"] == 1 and row["rating"] is None

    # The summary: readable by the district's staff, each read audited (who, why; never the text).
    assert (await ok(gateway, SUMMARY_READ, {"c": cid}, staff))["caseSummary"] == {"summary": SUMMARY,
                                                                                 "erased": False}
    conn = await asyncpg.connect(settings.database_url(settings.database("stations")))
    try:
        audit = await conn.fetch("SELECT actor, purpose FROM case_reads WHERE case_id = $1", cid)
    finally:
        await conn.close()
    assert [(r["actor"], r["purpose"]) for r in audit] == [("worker-1", "跟进调解")]


async def test_other_districts_and_other_roles_are_refused(gateway, token):
    chaoyang = token("station_staff", district="110105")
    haidian = token("station_staff", district="110108")
    cid = (await open_case(gateway, chaoyang))["id"]
    for query in (step("triageCase", 'category: OTHER, urgency: NORMAL, assignee: "x"'), SUMMARY_READ):
        answer = refusal(await gql(gateway, query, {"c": cid}, haidian))
        assert (answer["code"], answer["rule"]) == ("FORBIDDEN", "district")
    answer = refusal(await gql(gateway, OPEN, {"input": {"category": "OTHER", "district": "110105", "summary": "x"}},
                               haidian))
    assert (answer["code"], answer["rule"]) == ("FORBIDDEN", "district")
    haidian_list = (await ok(gateway, CASES, {}, haidian))["cases"]["nodes"]
    assert cid not in [n["id"] for n in haidian_list]
    for role in ("department_viewer", "registry_operator"):
        for query, variables in ((CASES, {}), (SUMMARY_READ, {"c": cid})):
            assert refusal(await gql(gateway, query, variables, token(role, district="110105")))["rule"] == "role"


IMPORT = "mutation($i: ImportAppealInput!) { importAppeal(input: $i) { id position } }"


async def test_a_12345_appeal_opens_one_case_in_its_own_district(gateway, token):
    staff = token("station_staff", district="110105")
    appeal = (await ok(gateway, IMPORT, {"i": {
        "serviceRequestId": f"12345-{uuid.uuid4().hex[:8]}", "serviceCode": "RIDER_PAY", "serviceName": "工资拖欠",
        "requestedDatetime": datetime.now(UTC).isoformat(), "tier": "GENERAL", "district": "110105"}}, staff))
    aid = appeal["importAppeal"]["id"]
    wrong = await gql(gateway, OPEN, {"input": {"category": "WAGE_ARREARS", "district": "110105", "summary": "x",
                                                "appealId": str(uuid.uuid4())}}, staff)
    assert (refusal(wrong)["code"], refusal(wrong)["rule"]) == ("FORBIDDEN", "district")  # an appeal of nothing
    opened = await open_case(gateway, staff, appealId=aid)
    row = await listed(gateway, staff, opened["id"], opened["position"])
    assert row is not None and row["status"] == "OPEN"
    again = await gql(gateway, OPEN, {"input": {"category": "OTHER", "district": "110105", "summary": "y",
                                                "appealId": aid}}, staff)
    assert refusal(again)["rule"] == "already_opened"
    admin = token("admin")  # city-wide: may name another district, but not for this appeal
    elsewhere = await gql(gateway, OPEN, {"input": {"category": "OTHER", "district": "110108", "summary": "y",
                                                    "appealId": aid}}, admin)
    assert refusal(elsewhere)["rule"] == "appeal_district"


async def test_deadlines_and_overdue_reminders_on_a_fixed_clock(gateway, stations, token):
    staff = token("station_staff", district="110105")
    now = datetime.now(UTC).replace(microsecond=0)
    rt = stations.app.state.runtime
    rt.deps.clock = Clock.fixed(now)
    try:
        cid = (await open_case(gateway, staff, category="HOUSING", urgency="URGENT"))["id"]  # 4 h, then 3 days
        assert await remind_overdue_cases(rt, now + timedelta(hours=3)) == 0
        rt.deps.clock = Clock.fixed(now + timedelta(hours=5))
        reminded = await remind_overdue_cases(rt, rt.deps.clock.now())
        assert reminded >= 1
        assert await remind_overdue_cases(rt, rt.deps.clock.now()) == 0  # once
        triage = step("triageCase", 'category: HOUSING, urgency: URGENT, assignee: "x"')
        late = (await ok(gateway, triage, {"c": cid}, staff))["triageCase"]
        row = await listed(gateway, staff, cid, late["position"])
        assert row["firstResponseOverdue"] is True and row["firstResponseInTime"] is False
        assert row["resolutionOverdue"] is False
        rt.deps.clock = Clock.fixed(now + timedelta(days=3, hours=1))
        await remind_overdue_cases(rt, rt.deps.clock.now())

        async def resolution_overdue() -> bool:
            return (await listed(gateway, staff, cid, late["position"]))["resolutionOverdue"]
        await eventually(resolution_overdue, timeout=20)
    finally:
        rt.deps.clock = Clock()


async def test_a_triage_that_relaxes_an_overdue_deadline_clears_its_reminder(gateway, stations, token):
    """A CRITICAL case passes its 24 h while untriaged; triaged NORMAL, its new deadline lies ahead, so the
    case is no longer shown overdue (the job reminds again if the new deadline passes too)."""
    staff = token("station_staff", district="110105")
    now = datetime.now(UTC).replace(microsecond=0)
    rt = stations.app.state.runtime
    rt.deps.clock = Clock.fixed(now)
    try:
        cid = (await open_case(gateway, staff, category="PSYCHOLOGICAL", urgency="CRITICAL"))["id"]
        rt.deps.clock = Clock.fixed(now + timedelta(hours=25))
        assert await remind_overdue_cases(rt, rt.deps.clock.now()) >= 1
        triage = step("triageCase", 'category: PSYCHOLOGICAL, urgency: NORMAL, assignee: "x"')
        relaxed = (await ok(gateway, triage, {"c": cid}, staff))["triageCase"]
        row = await listed(gateway, staff, cid, relaxed["position"])
        assert row["resolutionOverdue"] is False
    finally:
        rt.deps.clock = Clock()


async def test_the_summary_is_sealed_everywhere_and_shredded_with_its_youth(gateway, stations, settings, token):
    spans = InMemorySpanExporter()
    setup_tracing("test", None, [SimpleSpanProcessor(spans)])
    logs = CapturedLogs()
    logging.getLogger().addHandler(logs)
    try:
        staff = token("station_staff", district="110105")
        op = token("registry_operator")
        youth = await register_youth(gateway, stations, op, "13700000072")
        opened = await open_case(gateway, staff, youthId=youth)
        walk_in = await open_case(gateway, staff, summary="匿名来访：咨询社保断缴补缴")
        await caught_up(gateway, staff, [opened["position"], walk_in["position"]])
    finally:
        logging.getLogger().removeHandler(logs)
    secrets = [SUMMARY, "13912345678", "匿名来访", "欠薪未到账"]
    kafka = await every_record(settings, "xq.stations.case")
    assert not [s for s in secrets if s.encode() in kafka]
    gateway_db = await dump_database(settings, "gateway")
    assert not [s for s in secrets if s in gateway_db or s.encode().hex() in gateway_db]
    assert not [s for s in secrets if any(s in line for line in logs.lines)]
    span_text = "\n".join(repr(s.attributes) + s.name for s in spans.get_finished_spans())
    assert span_text and not [s for s in secrets if s in span_text]
    stations_db = await dump_database(settings, "stations")
    assert not [s for s in secrets if s in stations_db or s.encode().hex() in stations_db]  # sealed at rest

    erased = await ok(gateway, f'mutation {{ eraseYouth(id: "{youth}", purpose: "本人申请") {{ position }} }}', None,
                      op)
    runner = stations.app.state.runtime.projections["stations.youth"]
    assert await runner.wait_for(erased["eraseYouth"]["position"], 30)
    read = await ok(gateway, SUMMARY_READ, {"c": opened["id"]}, staff)
    assert read["caseSummary"] == {"summary": None, "erased": True}
    assert (await ok(gateway, SUMMARY_READ, {"c": walk_in["id"]}, staff))["caseSummary"]["erased"] is False
    row = await listed(gateway, staff, opened["id"], opened["position"])
    assert row is not None and row["status"] == "OPEN"  # the case still counts, without a word of content
