"""The dashboard page in a real browser (Debian's chromium driven by Playwright) against the running
stack: figures equal the GraphQL answers, a registration through the API moves them without a reload,
a district token sees its district only, and the page fits a laptop and a phone. Screenshots are kept in
.test-logs/ (dashboard.png, dashboard-phone.png)."""
from __future__ import annotations

import re
import time
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from playwright.sync_api import Page, expect

from gateway.app import WEB_DIST
from tests.e2e.support import ARTIFACTS, app_processes, gql

pytestmark = pytest.mark.e2e

REGISTER = "mutation($input: RegisterYouthInput!) { registerYouth(input: $input) { id position } }"
FIGURES = """query($pos: String) { dashboard(minPosition: $pos) { district available
    youth { total byType { type count } byDistrict { district count } }
    cases { personTimes casesOpened openHotTopics governanceOverdue } } }"""


@pytest.fixture(scope="module")
def stack(settings, infra):
    assert (WEB_DIST / "index.html").is_file(), "the dashboard page is not built: run `make web` (make test does)"
    with app_processes(settings, "e2e-dashboard.log") as (s, _):
        yield s


def register(s, token, district: str, subtype: str = "DELIVERY_RIDER") -> str:
    result = gql(s, REGISTER, {"input": {
        "name": "测试青年", "gender": "MALE", "birthDate": "2000-01-02", "mobile": "137" + str(uuid.uuid4().int)[:8],
        "district": district, "youthType": "NEW_BUSINESS", "subtype": subtype, "consents": ["REGISTRATION"]}},
        token=token("registry_operator"))
    assert "errors" not in result, result
    return result["data"]["registerYouth"]["position"]


def dashboard(s, query: str, token: str, position: str | None = None, **variables) -> dict:
    """The dashboard as GraphQL answers `query` once the read models have applied `position` (its variable
    `$pos`): what the page must show."""
    result = gql(s, query, {"pos": position, **variables}, token=token)
    assert "errors" not in result, result
    return result["data"]["dashboard"]


def open_dashboard(browser, s, token: str, width: int = 1366, height: int = 768) -> Page:
    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN")
    page.goto(f"http://{s.host}:{s.gateway_port}/#token={token}")
    expect(page.locator('[data-figure="youth.total"]')).to_be_visible(timeout=30_000)
    return page


def number(text: str) -> int:
    return int(re.sub(r"\D", "", text))


def shows_labels(page: Page, section: str, labels: tuple[str, ...]) -> None:
    for label in labels:
        expect(page.locator(f'[data-section="{section}"]')).to_contain_text(label)


def shows_figures(page: Page, at: str, figures: dict) -> None:
    """Each count of a GraphQL answer (`at`: where it stands in the dashboard) as the page writes it."""
    for field, value in figures.items():
        if isinstance(value, int):
            expect(page.locator(f'[data-figure="{at}.{field}"]')).to_have_text(f"{value:,}")


def table(page: Page, key: str) -> dict[str, list[int]]:
    """A figures table of the page: each row's key and its numbers."""
    rows = page.locator(f'table[data-figures="{key}"] tr[data-key]')
    return {rows.nth(i).get_attribute("data-key"): [number(c) for c in rows.nth(i).locator("td.n").all_text_contents()]
            for i in range(rows.count())}


def page_by_district(page: Page) -> dict[str, int]:
    rows = page.locator('table[data-figures="youth.byDistrict"] tr[data-key]')
    return {rows.nth(i).get_attribute("data-key"): number(rows.nth(i).locator("td.n").text_content())
            for i in range(rows.count())}


def test_the_page_shows_the_graphql_figures_and_follows_a_registration_live(stack, browser, token):
    s = stack
    register(s, token, "110105")
    register(s, token, "110108", "COURIER")
    viewer = token("department_viewer")
    expected = dashboard(s, FIGURES, viewer, register(s, token, "110105"))

    page = open_dashboard(browser, s, viewer)
    total = page.locator('[data-figure="youth.total"]')
    expect(total).to_have_text(f"{expected['youth']['total']:,}")
    assert page_by_district(page) == {d["district"]: d["count"] for d in expected["youth"]["byDistrict"]}
    types = page.locator('table[data-figures="youth.byType"] tr[data-key]')
    assert {types.nth(i).get_attribute("data-key"): number(types.nth(i).locator("td.n").text_content())
            for i in range(types.count())} == {t["type"]: t["count"] for t in expected["youth"]["byType"]}
    assert page.locator('[data-section="youth-per-week"] canvas').count() >= 1  # ECharts drew the series

    # sections of domains the schema does not have are hidden, the others shown
    shown = set(page.locator("[data-section]").evaluate_all("els => els.map(e => e.dataset.section)"))
    declared = page.evaluate("XQ.sections.map(s => [s.id, s.needs])")
    available = set(expected["available"])
    assert shown == {sid for sid, needs in declared if set(needs) <= available}
    assert {"youth-total", "youth-by-type", "youth-by-district", "youth-per-week", "cases",
            "referrals-governance"} <= shown
    for figure in ("personTimes", "casesOpened", "openHotTopics", "governanceOverdue"):  # the cases section
        expect(page.locator(f'[data-figure="cases.{figure}"]')).to_have_text(f"{expected['cases'][figure]:,}")

    expect(page.locator("#live")).to_have_attribute("data-state", "live", timeout=30_000)
    page.evaluate("window.__sameDocument = true")
    register(s, token, "110105")
    expect(total).to_have_text(f"{expected['youth']['total'] + 1:,}", timeout=30_000)
    assert page.evaluate("window.__sameDocument === true")  # updated without a reload
    expect(page.locator("text=新兴青年群体工作联席会议看板")).to_be_visible()
    page.wait_for_timeout(600)  # let the charts finish their animation for the picture
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.close()


def test_a_district_token_sees_only_its_district(stack, browser, token):
    s = stack
    haidian = token("department_viewer", district="110108")
    expected = dashboard(s, FIGURES, haidian, register(s, token, "110108"))
    assert [d["district"] for d in expected["youth"]["byDistrict"]] == ["110108"]

    page = open_dashboard(browser, s, haidian)
    expect(page.locator('[data-figure="youth.total"]')).to_have_text(f"{expected['youth']['total']:,}")
    assert page_by_district(page) == {"110108": expected["youth"]["byDistrict"][0]["count"]}
    district = page.locator("#district")
    expect(district).to_be_disabled()
    expect(district).to_have_value("110108")
    expect(page.locator("#who")).to_contain_text("海淀区")
    page.close()


def test_filters_narrow_the_city_view_to_a_district_and_a_period(stack, browser, token):
    s = stack
    viewer = token("department_viewer")
    page = open_dashboard(browser, s, viewer)
    haidian = dashboard(s, FIGURES, token("department_viewer", district="110108"))
    page.select_option("#district", "110108")
    page.fill("#from", "2020-01-01")
    page.fill("#to", "2020-12-31")
    page.click("#filters button[type=submit]")
    expect(page.locator('[data-figure="youth.total"]')).to_have_text("0")  # nobody registered in 2020
    page.fill("#from", "")
    page.fill("#to", "")
    page.click("#filters button[type=submit]")
    expect(page.locator('[data-figure="youth.total"]')).to_have_text(f"{haidian['youth']['total']:,}")
    assert set(page_by_district(page)) == {"110108"}
    page.close()


RANGED = """query($pos: String, $from: Date, $to: Date) { dashboard(minPosition: $pos, from: $from, to: $to) {
    stations { total personTimes } branches { total period { branchesFounded } } } }"""


def ranged(s, token: str, date_from: str | None, date_to: str | None, position: str | None = None) -> dict:
    return dashboard(s, RANGED, token, position, **{"from": date_from, "to": date_to})


def station_with_visits(s, token) -> str:
    """A Chaoyang station with three visits in March 2026 and one in May, the station already in the read
    models (the visits' position alone does not say so); the last write's position."""
    staff = token("station_staff")
    made = gql(s, "mutation($i: CreateStationInput!) { createStation(input: $i) { id position } }", {"i": {
        "kind": "RIDER_REFUEL", "name": "朝阳测试加油站", "district": "110105", "address": "朝阳区测试路 1 号",
        "lat": 39.92, "lon": 116.45, "operator": "TRADE_UNION", "openingHours": "每天 9:00–21:00",
        "services": ["REST", "HEALTH_CHECK"]}}, token=staff)
    assert "errors" not in made, made
    ranged(s, token("department_viewer"), None, None, made["data"]["createStation"]["position"])
    visits = [{"idempotencyKey": f"e2e-{uuid.uuid4()}", "serviceType": "REST", "deliveredAt": at}
              for at in ("2026-03-10T10:00:00+08:00",) * 3 + ("2026-05-01T10:00:00+08:00",)]
    done = gql(s, "mutation($s: ID!, $r: [ServiceRecordInput!]!) { recordServices(stationId: $s, records: $r) "
                  "{ position } }", {"s": made["data"]["createStation"]["id"], "r": visits}, token=staff)
    assert "errors" not in done, done
    return done["data"]["recordServices"]["position"]


def beijing_today() -> str:
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()  # the services date events in Beijing


def show_period(page: Page, date_from: str, date_to: str) -> None:
    page.fill("#from", date_from)
    page.fill("#to", date_to)
    page.click("#filters button[type=submit]")


def test_the_date_range_drives_the_stations_and_branches_figures_as_graphql_does(stack, browser, token):
    s = stack
    viewer = token("department_viewer")
    visited = station_with_visits(s, token)
    founded = gql(s, "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { position } }",
                  {"i": {"name": "朝阳测试流动团支部", "kind": "MOBILE", "district": "110105"}},
                  token=token("branch_secretary", district="110105"))
    assert "errors" not in founded, founded
    today = ranged(s, viewer, None, None, founded["data"]["foundBranch"]["position"])  # read-your-writes
    march = ranged(s, viewer, "2026-03-01", "2026-03-31", visited)
    everything = ranged(s, viewer, None, None)
    founded_today = ranged(s, viewer, *(2 * [beijing_today()]))
    assert march["stations"]["personTimes"] == 3 and everything["stations"]["personTimes"] >= 4
    assert march["branches"]["period"]["branchesFounded"] == 0
    assert founded_today["branches"]["period"]["branchesFounded"] >= 1

    page = open_dashboard(browser, s, viewer)
    person_times = page.locator('[data-figure="stations.personTimes"]')
    branches_founded = page.locator('[data-figure="branches.period.branchesFounded"]')
    expect(person_times).to_have_text(f"{everything['stations']['personTimes']:,}")
    show_period(page, "2026-03-01", "2026-03-31")
    expect(person_times).to_have_text(f"{march['stations']['personTimes']:,}")
    expect(branches_founded).to_have_text(f"{march['branches']['period']['branchesFounded']:,}")
    expect(page.locator('[data-figure="stations.total"]')).to_have_text(f"{today['stations']['total']:,}")  # current
    expect(page.locator("#period")).to_contain_text("2026-03-01 至 2026-03-31")
    show_period(page, *(2 * [beijing_today()]))
    expect(branches_founded).to_have_text(f"{founded_today['branches']['period']['branchesFounded']:,}")
    expect(person_times).to_have_text(f"{founded_today['stations']['personTimes']:,}")
    page.close()


VOLUNTEERING = """query($pos: String, $from: Date, $to: Date) { dashboard(minPosition: $pos, from: $from, to: $to) {
    volunteering { shifts volunteerHours served } } }"""


def shift_with_hours(s, token, hours: float) -> str:
    """A Chaoyang shift tomorrow at a new station, one registered youth added and their hours recorded (as
    tests/integration/test_volunteering.py does); the recording's position."""
    staff = token("station_staff", district="110105")
    station = gql(s, "mutation($i: CreateStationInput!) { createStation(input: $i) { id } }", {"i": {
        "kind": "RIDER_REFUEL", "name": "朝阳志愿测试驿站", "district": "110105", "address": "朝阳区测试路 2 号",
        "lat": 39.93, "lon": 116.46, "operator": "TRADE_UNION", "openingHours": "每天 9:00–21:00",
        "services": ["REST"]}}, token=staff)
    assert "errors" not in station, station
    youth = gql(s, REGISTER, {"input": {
        "name": "测试志愿者", "gender": "FEMALE", "birthDate": "2001-05-06", "mobile": "136" + str(uuid.uuid4().int)[:8],
        "district": "110105", "youthType": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER", "consents": ["REGISTRATION"]}},
        token=token("registry_operator"))
    assert "errors" not in youth, youth
    youth_id = youth["data"]["registerYouth"]["id"]
    starts = datetime.now(ZoneInfo("Asia/Shanghai")).replace(microsecond=0) + timedelta(days=1)
    shift = gql(s, "mutation($i: PublishShiftInput!) { publishVolunteerShift(input: $i) { id } }", {"i": {
        "district": "110105", "startsAt": starts.isoformat(), "endsAt": (starts + timedelta(hours=4)).isoformat(),
        "places": 3, "stationId": station["data"]["createStation"]["id"]}}, token=staff)
    assert "errors" not in shift, shift
    shift_id = shift["data"]["publishVolunteerShift"]["id"]
    add = "mutation($s: ID!, $y: ID!) { addVolunteer(shiftId: $s, youthId: $y) { id } }"
    for _ in range(60):  # the stations service learns of the new youth from the registry's events
        added = gql(s, add, {"s": shift_id, "y": youth_id}, token=staff)
        if "errors" not in added:
            break
        assert added["errors"][0]["extensions"]["code"] == "NOT_FOUND", added
        time.sleep(0.5)
    assert "errors" not in added, added
    recorded = gql(s, "mutation($s: ID!, $y: ID!, $h: Float!) { recordVolunteerHours(shiftId: $s, youthId: $y, "
                      "hours: $h) { position } }", {"s": shift_id, "y": youth_id, "h": hours}, token=staff)
    assert "errors" not in recorded, recorded
    return recorded["data"]["recordVolunteerHours"]["position"]


def hours_text(hours: float) -> str:
    return f"{hours:,.1f}".removesuffix(".0")  # as the page shows them: at most one decimal


def test_the_volunteering_section_shows_shifts_hours_and_people_served_as_graphql_does(stack, browser, token):
    s = stack
    viewer = token("department_viewer")
    was = dashboard(s, VOLUNTEERING, viewer)["volunteering"]
    expected = dashboard(s, VOLUNTEERING, viewer, shift_with_hours(s, token, 2.5))["volunteering"]
    assert expected == {"shifts": was["shifts"] + 1, "volunteerHours": was["volunteerHours"] + 2.5,
                        "served": was["served"] + 1}

    page = open_dashboard(browser, s, viewer)
    shows_labels(page, "volunteering", ("志愿服务", "志愿岗位", "志愿服务时长", "服务人次"))
    expect(page.locator('[data-figure="volunteering.shifts"]')).to_have_text(f"{expected['shifts']:,}")
    expect(page.locator('[data-figure="volunteering.volunteerHours"]')).to_have_text(
        hours_text(expected["volunteerHours"]))
    expect(page.locator('[data-figure="volunteering.served"]')).to_have_text(f"{expected['served']:,}")
    show_period(page, "2020-01-01", "2020-12-31")  # no shift that year: the figures follow the date range
    for figure in ("shifts", "volunteerHours", "served"):
        expect(page.locator(f'[data-figure="volunteering.{figure}"]')).to_have_text("0")
    page.close()


def test_the_page_fits_a_phone(stack, browser, token):
    page = open_dashboard(browser, stack, token("department_viewer"), width=390, height=844)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    page.wait_for_timeout(600)
    page.screenshot(path=str(ARTIFACTS / "dashboard-phone.png"), full_page=True)
    page.close()


def test_a_bad_token_is_refused_with_a_clear_message(stack, browser):
    page = browser.new_page()
    page.goto(f"http://{stack.host}:{stack.gateway_port}/")
    page.fill("#token", "not-a-token")
    page.click("#login-form button")
    expect(page.locator("#login")).to_contain_text("无法登录")
    expect(page.locator("#board")).to_be_hidden()
    page.close()


def test_graphiql_is_served_for_developers(stack):
    page = httpx.get(f"http://{stack.host}:{stack.gateway_port}/graphql", headers={"accept": "text/html"}, timeout=10)
    assert page.status_code == 200 and "graphiql" in page.text.lower()


JOINT = """query($pos: String) { dashboard(minPosition: $pos) { jointMeeting { staleMeasures openItemsTotal
    measures { id title example lead { code } progress lastReportOn stale } openItems { id assignee } } } }"""


def test_the_measures_table_shows_what_graphql_says_with_a_departments_own_first(stack, browser, token):
    """Issue 18: the measures table (area, title, lead, progress, last report, stale, example marker) equals
    the GraphQL answer; 团市委's staff see the measures it leads first; the filters narrow the table."""
    s = stack
    tsw = token("department_staff", department="TSW")
    reported = gql(s, "mutation { reportMeasureProgress(measureId: \"M09\", percent: 35, note: \"新建流动团支部\") "
                      "{ position } }", token=tsw)
    assert "errors" not in reported, reported
    joint = dashboard(s, JOINT, tsw, reported["data"]["reportMeasureProgress"]["position"])["jointMeeting"]
    assert len(joint["measures"]) == 22

    page = open_dashboard(browser, s, tsw)
    rows = page.locator('table[data-figures="jointMeeting.measures"] tr[data-key]')
    expect(rows).to_have_count(22, timeout=30_000)
    shown = {}
    for i in range(rows.count()):
        row = rows.nth(i)
        shown[row.get_attribute("data-key")] = (
            number(row.locator("[data-progress]").text_content()),
            row.locator("[data-last-report]").text_content(),
            row.locator("[data-stale]").get_attribute("data-stale") == "true",
            row.locator('[data-example="true"]').count() == 1)
    assert shown == {m["id"]: (m["progress"], m["lastReportOn"] or "—", m["stale"], m["example"])
                     for m in joint["measures"]}
    assert shown["M09"][0] == 35
    order = [rows.nth(i).get_attribute("data-key") for i in range(rows.count())]
    led = [m["id"] for m in joint["measures"] if m["lead"]["code"] == "TSW"]
    assert order[:len(led)] == led  # its own measures first
    if any(m["example"] for m in joint["measures"]):
        expect(page.locator('[data-examples="true"]')).to_be_visible()  # the titles are marked as examples

    page.select_option('.joint-filters [data-filter="lead"]', "ZGH")
    led_by_zgh = sorted(m["id"] for m in joint["measures"] if m["lead"]["code"] == "ZGH")
    expect(rows).to_have_count(len(led_by_zgh))
    assert sorted(rows.nth(i).get_attribute("data-key") for i in range(rows.count())) == led_by_zgh
    page.close()


RECOGNITION = """query($pos: String) { dashboard(minPosition: $pos) {
    faceToFace { sessions youthAttending proposalsByStatus { status count } }
    dreamSpace { appliedProjects activeProjects completedProjects stoppedProjects openInternships openInternshipPlaces
                 internshipApplications acceptedApplications }
    recommendations { thisYear adoptedThisYear byKind { kind recommended adopted } } } }"""


def done(s, query: str, variables: dict, token: str, name: str, retry: tuple[str, ...] = ()) -> dict:
    """The mutation's answer; retried while the service has not yet learned of what it refers to (`retry`
    lists the refusals that mean "not yet", e.g. a youth the branches service has not heard of)."""
    for _ in range(60):
        answer = gql(s, query, variables, token=token)
        if "errors" not in answer:
            return answer["data"][name]
        ext = answer["errors"][0].get("extensions", {})
        assert ext.get("code") in retry or ext.get("reason") in retry, answer
        time.sleep(0.5)
    raise AssertionError(answer)


def seed_face_to_face(s, token) -> str:
    """A Chaoyang session today with one issue turned into a suggestion to 人社局 (test_face_to_face.py)."""
    league = token("admin", "110105")
    session = done(s, "mutation($i: RecordFaceToFaceInput!) { recordFaceToFace(input: $i) { id } }", {"i": {
        "heldOn": beijing_today(), "district": "110105", "place": "望京骑手驿站", "deputyRole": "NPC_DEPUTY",
        "deputies": 2, "youthAttending": 17}}, league, "recordFaceToFace")
    issue = done(s, "mutation($s: ID!) { raiseFaceToFaceIssue(sessionId: $s, category: SOCIAL_SECURITY, "
                    "text: \"骑手参保手续繁琐\") { id } }", {"s": session["id"]}, league, "raiseFaceToFaceIssue")
    return done(s, "mutation($s: ID!, $i: ID!) { submitProposal(sessionId: $s, issueId: $i, kind: SUGGESTION, "
                   "title: \"简化骑手参保手续\", department: \"RSJ\") { position } }",
                {"s": session["id"], "i": issue["id"]}, league, "submitProposal")["position"]


def seed_dream_space(s, token) -> str:
    """A Chaoyang 筑梦空间 with an internship offer, applied for and accepted (test_internships.py), and a project
    applied for and supported (test_dream_space.py)."""
    staff = token("station_staff", district="110105")
    space = done(s, "mutation($i: CreateStationInput!) { createStation(input: $i) { id } }", {"i": {
        "kind": "DREAM_SPACE", "name": "朝阳筑梦测试空间", "district": "110105", "address": "朝阳区测试路 3 号",
        "lat": 39.94, "lon": 116.47, "operator": "TRADE_UNION", "openingHours": "每天 9:00–21:00",
        "services": ["REST"]}}, staff, "createStation")["id"]
    offer = done(s, "mutation($i: OfferInternshipInput!) { offerInternship(input: $i) { id } }", {"i": {
        "stationId": space, "company": "某文创公司", "title": "视觉设计实习生", "places": 4}}, staff, "offerInternship")
    artist = token("youth", subject=f"wx-e2e-{uuid.uuid4().hex[:8]}")
    register_me(s, artist)
    project = done(s, "mutation($i: ApplyForProjectInput!) { applyForProject(input: $i) { id } }", {"i": {
        "stationId": space, "title": "胡同声音计划", "field": "INDIE_MUSIC", "summary": "录制胡同里的声音。"}},
        artist, "applyForProject", retry=("NOT_FOUND",))
    supported = done(s, "mutation($p: ID!) { supportProject(projectId: $p) { position } }", {"p": project["id"]}, staff,
                     "supportProject")["position"]
    applied = done(s, "mutation($i: ID!) { applyForInternship(internshipId: $i, note: \"想学视觉设计\") { id } }",
                   {"i": offer["id"]}, artist, "applyForInternship")
    assert "errors" not in gql(s, "query($p: String) { dashboard(minPosition: $p) { district } }", {"p": supported},
                               token=staff)  # the project's events are read too (another stream)
    return done(s, "mutation($a: ID!) { acceptInternshipApplication(applicationId: $a) { position } }",
                {"a": applied["id"]}, staff, "acceptInternshipApplication")["position"]


def register_me(s, youth: str) -> str:
    return done(s, "mutation($i: RegisterMeInput!) { registerMe(input: $i) { id } }", {"i": {
        "name": "测试青年", "gender": "MALE", "birthDate": "2001-03-04", "mobile": "135" + str(uuid.uuid4().int)[:8],
        "district": "110105", "youthType": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER",
        "consents": ["REGISTRATION"]}}, youth, "registerMe")["id"]


def seed_recommendation(s, token) -> str:
    """A member of a new Chaoyang branch recommended for the party, accepted and adopted today
    (test_recommendations.py)."""
    admin, secretary = token("admin", district="110105"), token("branch_secretary", "110105")
    branch = done(s, "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { id } }",
                  {"i": {"name": "朝阳推优测试团支部", "kind": "MOBILE", "district": "110105"}}, admin, "foundBranch")["id"]
    code = done(s, "mutation($b: ID!) { issueInvitation(branchId: $b) { code } }", {"b": branch}, admin,
                "issueInvitation")["code"]
    rider = token("youth", subject=f"wx-e2e-{uuid.uuid4().hex[:8]}")
    youth_id = register_me(s, rider)
    done(s, "mutation($c: String!) { joinBranchWithCode(code: $c) { id } }", {"c": code}, rider,
         "joinBranchWithCode", retry=("NOT_FOUND", "FORBIDDEN", "UNAUTHENTICATED", "RULE_VIOLATED"))
    made = done(s, "mutation($y: ID!, $b: ID!) { recommendMember(youthId: $y, branchId: $b, kind: PARTY, "
                   "reason: \"连续两年服务骑手\") { id } }", {"y": youth_id, "b": branch}, secretary,
                "recommendMember", retry=("not_a_member", "NOT_FOUND"))
    done(s, "mutation($id: ID!) { reviewRecommendation(id: $id, accepted: true) { id } }", {"id": made["id"]}, admin,
         "reviewRecommendation")
    return done(s, "mutation($id: ID!, $d: Date!) { recordRecommendationOutcome(id: $id, adopted: true, "
                   "decidedOn: $d) { position } }", {"id": made["id"], "d": beijing_today()}, admin,
                "recordRecommendationOutcome")["position"]


def test_the_recognition_sections_show_face_to_face_dream_space_and_recommendations_as_graphql_does(
        stack, browser, token):
    s = stack
    viewer = token("department_viewer")
    expected = {}
    for seed in (seed_face_to_face, seed_dream_space, seed_recommendation):  # each read after its own writes
        expected = dashboard(s, RECOGNITION, viewer, seed(s, token))
    face, dream, recommended = expected["faceToFace"], expected["dreamSpace"], expected["recommendations"]
    assert face["sessions"] >= 1 and face["youthAttending"] >= 17
    assert {r["status"]: r["count"] for r in face["proposalsByStatus"]}["SUBMITTED"] >= 1
    assert dream["activeProjects"] >= 1 and dream["openInternshipPlaces"] >= 4 and dream["acceptedApplications"] >= 1
    assert recommended["adoptedThisYear"] >= 1

    page = open_dashboard(browser, s, viewer)
    for section, labels in (("face-to-face", ("面对面", "参加青年", "已提交")),
                            ("dream-space", ("筑梦空间", "不受统计期间影响", "孵化中", "实习名额", "实习申请", "已录用")),
                            ("recommendations", ("推优", "本年", "推荐入党"))):
        shows_labels(page, section, labels)
    for at, figures in (("faceToFace", face), ("dreamSpace", dream), ("recommendations", recommended)):
        shows_figures(page, at, figures)
    assert table(page, "faceToFace.proposalsByStatus") == {r["status"]: [r["count"]] for r in face["proposalsByStatus"]}
    assert table(page, "recommendations.byKind") == {
        r["kind"]: [r["recommended"], r["adopted"]] for r in recommended["byKind"]}
    show_period(page, "2020-01-01", "2020-12-31")  # 面对面 follows the date range; 筑梦空间 and 推优 do not
    expect(page.locator('[data-figure="faceToFace.sessions"]')).to_have_text("0")
    expect(page.locator('[data-figure="dreamSpace.activeProjects"]')).to_have_text(f"{dream['activeProjects']:,}")
    expect(page.locator('[data-figure="recommendations.thisYear"]')).to_have_text(f"{recommended['thisYear']:,}")
    page.close()


ROLE_MODELS = """query($pos: String) { dashboard(minPosition: $pos) {
    roleModels { nominated selected withdrawn talks audience byVenue { venueKind talks audience } } } }"""


def seed_role_model(s, token) -> str:
    """A Chaoyang rider nominated by station staff, consenting, selected into this year's list, with a talk at a
    park today (test_role_models.py)."""
    admin, staff = token("admin", district="110105"), token("station_staff", district="110105")
    rider = token("youth", subject=f"wx-e2e-{uuid.uuid4().hex[:8]}")
    youth_id = register_me(s, rider)
    nominated = done(s, "mutation($i: NominateRoleModelInput!) { nominateRoleModel(input: $i) { id } }", {"i": {
        "youthId": youth_id, "district": "110105", "story": "五年风雨无阻，帮助新骑手熟悉路线。",
        "photoRef": "photos/e2e.jpg"}}, staff, "nominateRoleModel", retry=("NOT_FOUND",))["id"]
    done(s, "mutation($n: ID!) { answerRoleModelConsent(nominationId: $n, given: true) { id } }", {"n": nominated},
         rider, "answerRoleModelConsent")
    done(s, "mutation($n: ID!, $y: Int!) { selectRoleModel(nominationId: $n, year: $y) { id } }",
         {"n": nominated, "y": int(beijing_today()[:4])}, admin, "selectRoleModel")
    talk = {"talkId": str(uuid.uuid4()), "venueKind": "PARK", "place": "望京 SOHO 园区", "audience": 80,
            "givenOn": beijing_today()}
    return done(s, "mutation($n: ID!, $i: RoleModelTalkInput!) { recordRoleModelTalk(nominationId: $n, input: $i) "
                   "{ position } }", {"n": nominated, "i": talk}, staff, "recordRoleModelTalk")["position"]


def test_the_role_models_section_shows_this_years_selection_and_talks_as_graphql_does(stack, browser, token):
    s = stack
    viewer = token("department_viewer")
    figures = dashboard(s, ROLE_MODELS, viewer, seed_role_model(s, token))["roleModels"]
    assert figures["selected"] >= 1 and figures["talks"] >= 1 and figures["audience"] >= 80
    park = {v["venueKind"]: v for v in figures["byVenue"]}["PARK"]
    assert park["talks"] >= 1 and park["audience"] >= 80

    page = open_dashboard(browser, s, viewer)
    shows_labels(page, "role-models", ("榜样选树", "不受统计期间影响", "入选本年度榜样", "听众人次", "园区"))
    shows_figures(page, "roleModels", figures)
    expect(page.locator('table[data-figures="roleModels.byVenue"] tr[data-key]')).to_have_count(4)  # every kind, 0 when none
    assert table(page, "roleModels.byVenue") == {v["venueKind"]: [v["talks"], v["audience"]] for v in figures["byVenue"]}
    show_period(page, "2020-01-01", "2020-12-31")  # this year's figures, whatever the date range
    expect(page.locator('[data-figure="roleModels.selected"]')).to_have_text(f"{figures['selected']:,}")


MEDIA = "query($pos: String) { dashboard(minPosition: $pos) { mediaCampaigns { openCampaigns entriesThisYear " \
        "selectedThisYear } } }"


def seed_media_campaign(s, token) -> str:
    """A Chaoyang campaign open today, one entry by a young person, selected (test_campaigns.py)."""
    league = token("admin", "110105")
    today = beijing_today()
    campaign = done(s, "mutation($i: LaunchCampaignInput!) { launchCampaign(input: $i) { id } }", {"i": {
        "title": "小岗位 大英雄", "theme": "讲述你身边平凡岗位上的不平凡", "opensOn": today, "closesOn": today,
        "audiences": ["NEW_BUSINESS"]}}, league, "launchCampaign")
    rider = token("youth", subject=f"wx-e2e-{uuid.uuid4().hex[:8]}")
    register_me(s, rider)
    entry = done(s, "mutation($i: EnterCampaignInput!) { enterCampaign(input: $i) { id } }", {"i": {
        "campaignId": campaign["id"], "title": "凌晨四点的早餐铺", "link": "https://v.example.cn/e2e",
        "consentToPublish": True}}, rider, "enterCampaign", retry=("NOT_FOUND",))
    return done(s, "mutation($e: ID!) { judgeCampaignEntry(entryId: $e, selected: true) { position } }",
                {"e": entry["id"]}, league, "judgeCampaignEntry")["position"]


def test_the_media_campaigns_section_shows_the_figures_as_graphql_does_whatever_the_date_range(stack, browser, token):
    s = stack
    viewer = token("department_viewer")
    figures = dashboard(s, MEDIA, viewer, seed_media_campaign(s, token))["mediaCampaigns"]
    assert figures["openCampaigns"] >= 1 and figures["entriesThisYear"] >= 1 and figures["selectedThisYear"] >= 1

    page = open_dashboard(browser, s, viewer)
    shows_labels(page, "media-campaigns", ("媒体征集", "不受统计期间影响", "进行中的征集", "本年入选作品"))
    shows_figures(page, "mediaCampaigns", figures)  # all three are counts
    show_period(page, "2020-01-01", "2020-12-31")  # the date range does not apply
    expect(page.locator('[data-figure="mediaCampaigns.selectedThisYear"]')).to_have_text(
        f"{figures['selectedThisYear']:,}")
    page.close()
