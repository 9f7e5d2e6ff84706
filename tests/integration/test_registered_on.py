"""The day a person registered (issue 21): given per row of a survey import and on a single registration
through GraphQL, kept on the record, carried by the registration event and counted by the gateway's weekly
chart on that day's week; a future day or one before the person was 16 is refused naming `registeredOn`,
nothing stored. Real PostgreSQL and Kafka (registry → outbox → Kafka → gateway projection)."""
from __future__ import annotations

import asyncio
import csv
from datetime import date, timedelta

import httpx

from chassis.clock import Clock
from tests.registry_support import gql, mobile, person
from tests.support import bearer, service_db
from xinqing.importer import import_rows, read_rows

REGISTER = "mutation($input: RegisterYouthInput!) { registerYouth(input: $input) { id version position } }"
WEEKS = "{ dashboard { registrationsPerWeek(first: 100) { nodes { week count } } } }"
HEADER = ["姓名", "性别", "出生日期", "手机号", "区县", "细分类型", "同意", "登记日期"]


def monday(day: date) -> str:
    return (day - timedelta(days=day.weekday())).isoformat()


async def weeks(gateway, token) -> dict[str, int]:
    nodes = (await gql(gateway, WEEKS, token=token("admin")))["data"]["dashboard"]["registrationsPerWeek"]["nodes"]
    return {n["week"]: n["count"] for n in nodes}


async def until_counted(gateway, token, expected: dict[str, int], timeout: float = 120) -> dict[str, int]:
    """The weekly chart once the projection has caught up with `expected` (week -> count), or what it shows."""
    for _ in range(int(timeout / 0.2)):
        seen = await weeks(gateway, token)
        if all(seen.get(w, 0) >= n for w, n in expected.items()):
            return seen
        await asyncio.sleep(0.2)
    return seen


async def test_import_and_graphql_keep_the_registration_day_and_the_chart_counts_by_it(
        gateway, registry, settings, token, tmp_path):
    today = Clock().today()
    survey, typed = today - timedelta(days=200), today - timedelta(days=100)
    born = date(today.year - 20, 1, 10)
    rows = [
        ["张三", "男", born.isoformat(), mobile(), "朝阳区", "外卖骑手", "是", survey.strftime("%Y/%m/%d")],
        ["李四", "女", born.isoformat(), mobile(), "海淀区", "主播", "是", survey.isoformat()],
        ["王五", "男", born.isoformat(), mobile(), "朝阳区", "快递员", "是", ""],  # no date: today
        ["赵六", "男", born.isoformat(), mobile(), "朝阳区", "快递员", "是", (today + timedelta(days=1)).isoformat()],
        ["钱七", "女", born.isoformat(), mobile(), "朝阳区", "快递员", "是", date(today.year - 5, 1, 1).isoformat()],
    ]
    path = tmp_path / "survey.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    before = await weeks(gateway, token)

    op = token("registry_operator")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=registry.app), base_url="http://registry",
                                 headers=bearer(op), timeout=60) as client:
        report = await import_rows(client, read_rows(path)[1], chunk=10)
    assert (report.created, report.already) == (3, 0), report
    assert {(line, field, rule) for line, field, rule, _ in report.invalid} == {
        (5, "registeredOn", "future"), (6, "registeredOn", "before_min_age")}
    assert all("登记日期" in message for *_, message in report.invalid)

    found = await registry.post("/youth:search", json={"mobile": rows[0][3]}, headers=bearer(op))
    [imported] = found.json()["items"]
    assert imported["registeredOn"] == survey.isoformat()
    profile = (await registry.get(f"/youth/{imported['id']}", headers=bearer(op))).json()
    assert profile["registeredOn"] == survey.isoformat()

    # One registration through GraphQL with the day of its paper form; a day in the future is refused, nothing stored.
    one = person(birthDate=born.isoformat(), registeredOn=typed.isoformat())
    done = await gql(gateway, REGISTER, {"input": one}, op)
    assert "errors" not in done, done
    future = person(birthDate=born.isoformat(), registeredOn=(today + timedelta(days=3)).isoformat())
    refused = await gql(gateway, REGISTER, {"input": future}, op)
    assert refused["errors"][0]["extensions"]["code"] == "VALIDATION", refused
    assert refused["errors"][0]["extensions"]["field"] == "registeredOn"
    nothing = await registry.post("/youth:search", json={"mobile": future["mobile"]}, headers=bearer(op))
    assert nothing.json()["items"] == []

    # The event carries the day; the gateway's weekly chart counts each person on that day's week.
    expected = {monday(survey): before.get(monday(survey), 0) + 2, monday(typed): before.get(monday(typed), 0) + 1,
                monday(today): before.get(monday(today), 0) + 1}
    seen = await until_counted(gateway, token, expected)
    assert {w: seen.get(w, 0) for w in expected} == expected, (before, seen)
    async with service_db(settings, "gateway") as conn:  # the youth table: its own projection, its own pace
        for _ in range(600):
            days = await conn.fetch("SELECT youth_id, registered_on FROM youth WHERE youth_id = ANY($1::text[])",
                                    [imported["id"], done["data"]["registerYouth"]["id"]])
            if len(days) == 2:
                break
            await asyncio.sleep(0.2)
    assert {r["youth_id"]: r["registered_on"] for r in days} == {imported["id"]: survey,
                                                                 done["data"]["registerYouth"]["id"]: typed}


async def test_a_person_registering_themself_cannot_give_an_earlier_day(registry, token):
    body = {**person(), "registeredOn": "2025-01-01", "channel": "APP"}
    answer = await registry.post("/me", json=body, headers=bearer(token("youth", subject="self-reg-on")))
    assert answer.status_code == 422, answer.text
    assert [e["field"] for e in answer.json()["errors"]] == ["registeredOn"]
