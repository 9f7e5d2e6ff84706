"""The young people's mobile page (/m/) in a real browser at 375×812 (Debian's chromium driven by
Playwright) against the running stack: the nearest station from a fixed location, then one person's
path — register, book an event (the places left drop by one), enrol in a programme (骑手班), join a branch
by code, ask for help in 求助 (the case listed with its status as staff and an agency handle it, then rated),
export, erase (signed out afterwards) — and a person registered at a station claiming their record with the
station's code. Screenshots of each tab are kept in .test-logs/ (mobile-*.png)."""
from __future__ import annotations

import json
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from gateway.app import WEB_DIST
from tests.e2e.support import ARTIFACTS, app_processes, gql

pytestmark = pytest.mark.e2e
PHONE = {"width": 375, "height": 812}
HERE = (40.3700, 116.0200)  # a quiet corner of Yanqing: no other test puts a station near it

NEAREST = "query($lat: Float!, $lon: Float!) { nearestStations(lat: $lat, lon: $lon, limit: 10) { id } }"
UPCOMING = "{ upcomingEvents(first: 100) { nodes { id remainingPlaces } } }"
PROGRAMMES = "{ upcomingProgrammes(first: 100) { nodes { id } } }"
BEIJING = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def stack(settings, infra):
    assert (WEB_DIST / "m" / "index.html").is_file(), "the mobile page is not built: run `make web` (make test does)"
    with app_processes(settings, "e2e-mobile.log") as (s, _):
        yield s


def ok(result: dict, field: str):
    assert "errors" not in result, result
    return result["data"][field]


def eventually(read, until, timeout: float = 30):
    """Read models follow the writes within moments: poll until `until(value)`."""
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if until(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.3)


def create_station(s, admin: str, name: str, lat: float, lon: float) -> str:
    return ok(gql(s, "mutation($i: CreateStationInput!) { createStation(input: $i) { id } }", {"i": {
        "kind": "RIDER_REFUEL", "name": name, "district": "110119", "address": f"延庆区测试路 {name}",
        "lat": lat, "lon": lon, "operator": "TRADE_UNION", "openingHours": "每天 8:00–22:00",
        "services": ["REST", "HEALTH_CHECK"]}}, token=admin), "createStation")["id"]


def phone(browser, **options):
    context = browser.new_context(viewport=PHONE, locale="zh-CN", **options)
    return context, context.new_page()


def test_the_nearest_station_is_found_from_the_phones_location(stack, browser, token):
    s, admin = stack, token("admin")
    lat, lon = HERE
    # created out of order: the page must sort by distance (≈0.2 km, ≈1.1 km, ≈3.3 km)
    far = create_station(s, admin, "远站", lat - 0.03, lon)
    near = create_station(s, admin, "近站", lat + 0.002, lon)
    middle = create_station(s, admin, "中站", lat + 0.01, lon)
    expected = eventually(lambda: [x["id"] for x in ok(gql(s, NEAREST, {"lat": lat, "lon": lon}, token=admin),
                                                        "nearestStations")],
                          lambda ids: {near, middle, far} <= set(ids))
    assert expected[:3] == [near, middle, far]

    context, page = phone(browser, geolocation={"latitude": lat, "longitude": lon}, permissions=["geolocation"])
    page.goto(f"http://{s.host}:{s.gateway_port}/m/")
    expect(page.locator("#tab-stations")).to_be_visible()
    expect(page.locator("#nav-events")).to_be_visible()
    expect(page.locator("#nav-help")).to_have_text("求助")
    page.click("#locate")
    first = page.locator("#station-list li").first
    expect(first).to_have_attribute("data-station-id", near, timeout=15_000)
    shown = page.locator("#station-list li[data-station-id]").evaluate_all("els => els.map(e => e.dataset.stationId)")
    assert shown[:3] == [near, middle, far]
    expect(first).to_contain_text("近站")
    expect(first).to_contain_text("0.2 公里")
    expect(first).to_contain_text("每天 8:00–22:00")
    expect(first).to_contain_text("休息补给")
    assert "uri.amap.com" in first.locator("a", has_text="导航").get_attribute("href")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    page.screenshot(path=str(ARTIFACTS / "mobile-stations.png"), full_page=True)

    page.select_option("#station-district", "110119")  # the district's centre finds stations too
    expect(page.locator("#station-list li[data-station-id]").first).to_be_visible()
    context.close()


def schedule_event(s, admin: str) -> str:
    starts = (datetime.now(BEIJING) + timedelta(days=3)).isoformat()
    return ok(gql(s, """mutation($at: DateTime!) { scheduleEvent(kind: "SALON", title: "骑手沙龙（手机页测试）",
        district: "110105", startsAt: $at, capacity: 5) { id } }""", {"at": starts}, token=admin), "scheduleEvent")["id"]


def branch_with_code(s, admin: str) -> tuple[str, str]:
    branch = ok(gql(s, "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { id } }",
                    {"i": {"name": "朝阳骑手流动团支部", "kind": "MOBILE", "district": "110105"}}, token=admin),
                "foundBranch")["id"]
    code = ok(gql(s, "mutation($b: ID!) { issueInvitation(branchId: $b) { code } }", {"b": branch}, token=admin),
              "issueInvitation")["code"]
    return branch, code


def programme(s, admin: str) -> str:
    starts = (datetime.now(BEIJING) + timedelta(days=1)).date().isoformat()
    made = ok(gql(s, """mutation($on: Date!) { createProgramme(name: "新青年学堂骑手班（手机页测试）", kind: "RIDER_DIPLOMA",
        district: "110105", startsOn: $on) { id } }""", {"on": starts}, token=admin), "createProgramme")["id"]
    # polled with a token: anonymous calls from this address share the page's rate-limit bucket
    eventually(lambda: [p["id"] for p in ok(gql(s, PROGRAMMES, token=admin), "upcomingProgrammes")["nodes"]],
               lambda ids: made in ids)
    return made


def case_step(s, staff: str, case_id: str, name: str, args: str) -> None:
    ok(gql(s, f"mutation($c: ID!) {{ {name}(caseId: $c, {args}) {{ id }} }}", {"c": case_id}, token=staff), name)


def remaining(s, admin: str, event_id: str) -> int | None:
    nodes = ok(gql(s, UPCOMING, token=admin), "upcomingEvents")["nodes"]
    return next((e["remainingPlaces"] for e in nodes if e["id"] == event_id), None)


def test_a_new_youth_registers_books_joins_exports_and_erases(stack, browser, token, tmp_path):
    s, admin = stack, token("admin")
    event = schedule_event(s, admin)
    rider_class = programme(s, admin)
    branch, code = branch_with_code(s, admin)
    assert eventually(lambda: remaining(s, admin, event), lambda n: n == 5) == 5
    rider = token("youth", subject=f"wx-mobile-{uuid.uuid4().hex[:8]}")
    mobile = "139" + str(uuid.uuid4().int)[:8]

    context, page = phone(browser)
    page.goto(f"http://{s.host}:{s.gateway_port}/m/#token={rider}")  # the development login link
    mine = page.locator("#mine")
    expect(mine).to_have_attribute("data-state", "unregistered", timeout=15_000)
    form = page.locator("#register-form")
    form.get_by_label("姓名").fill("王骑手")
    form.get_by_label("性别").select_option("MALE")
    form.get_by_label("出生日期").fill("2001-04-05")
    form.get_by_label("手机号").fill(mobile)
    form.get_by_label("工作或居住的区").select_option("110105")
    form.get_by_label("从业类型").select_option("DELIVERY_RIDER")
    form.get_by_label("同意为登记和联系我而处理我的信息（必选）").check()
    form.locator("button[type=submit]").click()
    expect(mine).to_have_attribute("data-state", "registered", timeout=15_000)
    expect(page.locator("dl.profile")).to_contain_text("王骑手")
    expect(page.locator("#consents li[data-purpose=REGISTRATION]")).to_contain_text("已同意")
    page.locator("#profile-form").get_by_label("学历").select_option("BACHELOR")
    page.locator("#profile-form button[type=submit]").click()
    expect(page.locator("#status")).to_have_text("资料已保存")
    expect(page.locator("#profile-form").get_by_label("学历")).to_have_value("BACHELOR")
    page.locator("#consents li[data-purpose=SERVICE_RECORDS] button").click()
    expect(page.locator("#consents li[data-purpose=SERVICE_RECORDS]")).to_contain_text("已同意")

    page.click("#nav-events")
    item = page.locator(f'#event-list li[data-event-id="{event}"]')
    expect(item.locator(".remaining")).to_have_text("5")
    item.locator("button[data-action=book]").click()
    expect(item.locator(".remaining")).to_have_text("4", timeout=15_000)
    expect(item.locator(".booked")).to_be_visible()
    assert remaining(s, admin, event) == 4
    course = page.locator(f'#programme-list li[data-programme-id="{rider_class}"]')
    expect(course).to_contain_text("骑手班（学历提升）")
    course.locator("button[data-action=enrol]").click()
    expect(course.locator(".enrolled")).to_have_text("已报名", timeout=15_000)
    expect(page.locator("#status")).to_contain_text("已报名")
    page.screenshot(path=str(ARTIFACTS / "mobile-events.png"), full_page=True)

    page.click("#nav-mine")
    expect(page.locator(f'#my-bookings li[data-event-id="{event}"]')).to_be_visible()
    expect(page.locator(f'#my-bookings li[data-programme-id="{rider_class}"]')).to_contain_text("骑手班")
    page.locator("#join-form").get_by_label("团支部邀请码（海报上的）").fill(code)
    page.locator("#join-form button").click()
    expect(page.locator(f'#memberships li[data-branch-id="{branch}"]')).to_contain_text("朝阳骑手流动团支部",
                                                                                      timeout=15_000)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(ARTIFACTS / "mobile-mine.png"), full_page=True)

    ask_for_help(page, s, token("station_staff", district="110105"))

    page.click("#nav-events")  # a booking can be cancelled: the place comes back
    item.locator("button[data-action=cancel]").click()
    expect(item.locator(".remaining")).to_have_text("5", timeout=15_000)
    page.click("#nav-mine")
    expect(mine).to_have_attribute("data-state", "registered")

    with page.expect_download() as download:
        page.click("#export")
    saved = tmp_path / "export.json"
    download.value.save_as(saved)
    exported = saved.read_text(encoding="utf-8")
    json.loads(exported)
    assert mobile in exported and "王骑手" in exported

    page.click("#erase")
    expect(page.locator("#erase-confirm")).to_be_visible()  # a confirmation step before anything is deleted
    page.click("#erase-yes")
    expect(mine).to_have_attribute("data-state", "signed-out", timeout=15_000)
    expect(page.locator("#signin-form")).to_be_visible()
    expect(page.locator("#status")).to_contain_text("已删除")
    after = gql(s, "{ me { id } }", token=rider)
    assert after["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    context.close()


def ask_for_help(page, s, staff: str) -> None:
    """求助: open a case, see it listed as submitted; as staff and an agency handle it the page shows each step,
    and once resolved the person rates it."""
    page.click("#nav-help")
    help_tab = page.locator("#help")
    expect(help_tab).to_have_attribute("data-state", "registered", timeout=15_000)
    form = page.locator("#case-form")
    expect(form.get_by_label("问题发生在哪个区")).to_have_value("110105")  # the person's own district to start with
    form.get_by_label("问题类别").select_option(label="欠薪")
    form.get_by_label("遇到了什么问题").fill("配送站拖欠我两个月工资，站长不接电话")
    form.get_by_label("紧急（如欠薪临近期限、受伤未得到救治）").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#status")).to_contain_text("已提交求助")
    item = page.locator("#my-cases li").first
    expect(item).to_have_attribute("data-status", "OPEN")
    expect(item).to_contain_text("欠薪")
    expect(item).to_contain_text("已提交，等待站点处理")
    expect(item).to_contain_text("紧急")
    expect(item).to_contain_text("配送站拖欠我两个月工资")

    case_id = item.get_attribute("data-case-id")
    case_step(s, staff, case_id, "triageCase", 'category: WAGE_ARREARS, urgency: URGENT, assignee: "朝阳区维权站"')
    case_step(s, staff, case_id, "referCase", 'agency: "HRSS", consent: true')
    case_step(s, staff, case_id, "recordAgencyAnswer", "accepted: true")
    page.click("#nav-help")  # opening the tab reads the cases again
    item = page.locator(f'#my-cases li[data-case-id="{case_id}"]')
    expect(item).to_have_attribute("data-status", "ACCEPTED", timeout=15_000)
    expect(item).to_contain_text("机构已受理")
    expect(item.locator(".agency")).to_have_text("转介机构：人力社保局")

    case_step(s, staff, case_id, "resolveCase", "outcome: SETTLED")
    page.click("#nav-help")
    expect(item).to_have_attribute("data-status", "RESOLVED", timeout=15_000)
    expect(item).to_contain_text("办理结果：已调解解决")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")  # the fixed tab bar then covers nothing
    page.screenshot(path=str(ARTIFACTS / "mobile-help.png"), full_page=True)
    item.get_by_role("button", name="评 4 分").click()
    expect(item).to_have_attribute("data-status", "RATED", timeout=15_000)
    expect(item).to_contain_text("我的评价：4 分")
    assert item.locator("[data-score]").count() == 0  # rated once: no buttons left


def test_signed_out_the_page_lists_events_and_fits_a_laptop(stack, browser):
    page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    page.goto(f"http://{stack.host}:{stack.gateway_port}/m/")
    page.click("#nav-events")
    expect(page.locator("#event-list li").first).to_be_visible()
    expect(page.locator("#event-list li button").first).to_have_text("登录后报名")  # booking needs signing in
    expect(page.locator("#programme-list li").first).to_be_visible()
    page.click("#nav-help")
    expect(page.locator("#help")).to_have_attribute("data-state", "signed-out")  # asking for help needs signing in
    page.click("#nav-mine")
    expect(page.locator("#mine")).to_have_attribute("data-state", "signed-out")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1366
    page.close()


def test_a_person_registered_at_a_station_claims_their_record_with_the_code(stack, browser, token):
    s, mobile = stack, "138" + str(uuid.uuid4().int)[:8]
    made = ok(gql(s, "mutation($i: RegisterYouthInput!) { registerYouth(input: $i) { id } }", {"i": {
        "name": "李快递", "gender": "FEMALE", "birthDate": "1999-09-09", "mobile": mobile, "district": "110108",
        "youthType": "NEW_BUSINESS", "subtype": "COURIER", "consents": ["REGISTRATION"]}},
        token=token("registry_operator")), "registerYouth")["id"]
    code = ok(gql(s, "mutation($y: ID!) { issueClaimCode(youthId: $y) { code } }", {"y": made},
                  token=token("admin")), "issueClaimCode")["code"]

    context, page = phone(browser)
    page.goto(f"http://{s.host}:{s.gateway_port}/m/#token={token('youth', subject=f'wx-claim-{uuid.uuid4().hex[:8]}')}")
    mine = page.locator("#mine")
    expect(mine).to_have_attribute("data-state", "unregistered", timeout=15_000)
    form = page.locator("#register-form")
    for label, value in (("姓名", "李快递"), ("出生日期", "1999-09-09"), ("手机号", mobile)):
        form.get_by_label(label).fill(value)
    form.get_by_label("性别").select_option("FEMALE")
    form.get_by_label("工作或居住的区").select_option("110108")
    form.get_by_label("从业类型").select_option("COURIER")
    form.get_by_label("同意为登记和联系我而处理我的信息（必选）").check()
    form.locator("button[type=submit]").click()
    expect(page.locator("#status")).to_contain_text("该手机号已登记过")  # DUPLICATE, without naming the record
    page.locator("#claim-form").get_by_label("认领码").fill(code)
    page.locator("#claim-form button").click()
    expect(mine).to_have_attribute("data-state", "registered", timeout=15_000)
    expect(page.locator("dl.profile")).to_contain_text("李快递")
    context.close()
