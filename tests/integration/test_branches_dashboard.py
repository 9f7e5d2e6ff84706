"""League organisation through GraphQL on real PostgreSQL and Kafka: a scenario whose dashboard
numbers are counted by hand, district scope, the lists and their pagination, erasure downstream."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from chassis.clock import Clock
from services.branches import jobs
from tests.integration.registry_feed import RegistryFeed
from tests.support import CHAOYANG, HAIDIAN, bearer, eventually

ADULT = date(2000, 6, 1)


def quarter_now() -> tuple[str, date]:
    today = Clock().today()
    q = (today.month - 1) // 3 + 1
    end = date(today.year + (q == 4), (3 * q) % 12 + 1, 1) - timedelta(days=1)
    return f"{today.year}-Q{q}", end


QUARTER, QUARTER_END = quarter_now()
MONTHS = [date(QUARTER_END.year, QUARTER_END.month - k, 10) for k in (2, 1, 0)]

DASHBOARD = """
query Dash($q: String) { dashboard { district branches(quarter: $q) {
  total byKind { kind count } byDistrict { district branches members } members applicationsPending
  coverage { registered inBranch share } transfersPending transfersExpired
  organisations { total withBranch withoutBranch byStage { stage count } byDistrict { district contacted working branchFounded } }
  meetingCompliance { quarter branches compliant share }
  measures { total averageProgress byArea { area measures averageProgress }
             items { id progress milestones milestonesDone placeholder } }
} } }
"""


async def gql(client, query, variables=None, token=None):
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}},
                                 headers=bearer(token) if token else {})
    assert response.status_code == 200, response.text
    return response.json()


class Scenario:
    def __init__(self, gateway, token):
        self.gateway = gateway
        self.token = token
        self.positions: list[str] = []

    async def run(self, mutation: str, variables: dict, role="admin", district=None, field=None) -> dict:
        answer = await gql(self.gateway, mutation, variables, self.token(role, district))
        assert "errors" not in answer, answer
        data = next(iter(answer["data"].values()))
        self.positions.append(data["position"])
        return data

    async def settle(self) -> None:
        """Read-your-writes for every change made so far."""
        runner = self.gateway.app.state.runtime.projections["gateway.branches"]
        for position in self.positions:
            assert await runner.wait_for(position, 30), position

    async def found(self, name, kind, district, organisation_id=None) -> str:
        data = await self.run("mutation F($i: FoundBranchInput!) { foundBranch(input: $i) { id position } }",
                              {"i": {"name": name, "kind": kind, "district": district,
                                     "organisationId": organisation_id}}, "branch_secretary", district)
        return data["id"]

    async def organisation(self, name, kind, district) -> str:
        data = await self.run("mutation O($i: RecordOrganisationInput!) { recordOrganisationContact(input: $i) "
                              "{ id position } }", {"i": {"name": name, "kind": kind, "district": district}})
        return data["id"]

    async def apply(self, youth, branch):
        return await self.run("mutation A($y: ID!, $b: ID!) { applyForMembership(youthId: $y, branchId: $b) "
                              "{ id position } }", {"y": youth, "b": branch})

    async def approve(self, youth, branch):
        return await self.run("mutation A($y: ID!, $b: ID!) { approveMembership(youthId: $y, branchId: $b) "
                              "{ id position } }", {"y": youth, "b": branch})

    async def meeting(self, branch, kind, held_on, attendees=()):
        return await self.run("mutation M($i: RecordMeetingInput!) { recordMeeting(input: $i) { id position } }",
                              {"i": {"branchId": branch, "kind": kind, "heldOn": held_on.isoformat(),
                                     "topic": "学习二十大精神", "attendees": list(attendees)}})

    async def transfer(self, youth, to_branch) -> str:
        data = await self.run("mutation T($y: ID!, $b: ID!) { requestTransfer(youthId: $y, toBranchId: $b, "
                              "initiatedBy: FROM) { id position } }", {"y": youth, "b": to_branch})
        return data["id"]


@pytest.fixture(scope="module")
async def scenario(gateway, branches, settings, token):
    """4 riders and 1 designer in Chaoyang, 2 couriers in Haidian; 4 branches (one dissolved); 3
    organisations; 5 members, 1 pending application; 1 pending and 1 expired transfer; meetings that
    make exactly one branch compliant; progress on two measures."""
    runtime = branches.app.state.runtime
    runtime.deps.clock = Clock.fixed(datetime(QUARTER_END.year, QUARTER_END.month, QUARTER_END.day, 4, tzinfo=UTC))
    s = Scenario(gateway, token)
    async with RegistryFeed(settings) as feed:
        riders = [await feed.register(birth=ADULT, district=CHAOYANG) for _ in range(4)]
        couriers = [await feed.register(birth=ADULT, district=HAIDIAN, subtype="COURIER") for _ in range(2)]
        designer = await feed.register(birth=ADULT, district=CHAOYANG, subtype="DESIGNER",
                                       youth_type="INDEPENDENT_ART")
        s.feed_versions = feed.versions
        s.riders, s.couriers, s.designer = riders, couriers, designer

        o1 = await s.organisation("751 文创园", "PARK", CHAOYANG)
        o2 = await s.organisation("某互联网公司", "INTERNET_COMPANY", CHAOYANG)
        await s.organisation("某配送平台海淀站", "PLATFORM", HAIDIAN)
        await s.run("mutation R($o: ID!) { establishWorkingRelationship(organisationId: $o) { id position } }",
                    {"o": o2})
        s.b1 = b1 = await s.found("朝阳骑手流动团支部", "MOBILE", CHAOYANG)
        s.b2 = b2 = await s.found("海淀快递企业团支部", "ENTERPRISE", HAIDIAN)
        s.b3 = b3 = await s.found("751 园区团支部", "PARK", CHAOYANG, organisation_id=o1)
        b4 = await s.found("海淀某社区团支部", "COMMUNITY", HAIDIAN)
        await s.run("mutation D($b: ID!) { dissolveBranch(branchId: $b) { id position } }", {"b": b4})

        invitation = await s.run("mutation I($b: ID!) { issueInvitation(branchId: $b, validHours: 24, maxUses: 5) "
                                 "{ id position code } }", {"b": b1}, "branch_secretary", CHAOYANG)
        for rider in riders[:2]:
            await s.run("mutation J($y: ID!, $c: String!) { joinWithInvitation(youthId: $y, code: $c) "
                        "{ id position } }", {"y": rider, "c": invitation["code"]})
        for youth, branch in ((riders[2], b1), (couriers[0], b2), (designer, b3)):
            await s.apply(youth, branch)
            await s.approve(youth, branch)
        await s.apply(riders[3], b1)  # left pending

        await s.transfer(riders[1], b2)
        expired_on = QUARTER_END + timedelta(days=100)
        assert await jobs.expire_transfers(runtime.pool, runtime.deps.stores, expired_on) == 1
        s.positions.append(f"membership-{riders[1]}@3")  # joined, transfer requested, transfer expired
        await s.transfer(riders[2], b2)  # stays pending

        for kind, day in (("GENERAL_MEETING", MONTHS[0]), ("LEAGUE_LECTURE", MONTHS[1]),
                          *(("COMMITTEE_MEETING", m) for m in MONTHS)):
            await s.meeting(b1, kind, day, attendees=riders[:2])
        for kind, day in (("GENERAL_MEETING", MONTHS[0]), ("LEAGUE_LECTURE", MONTHS[1]),
                          ("COMMITTEE_MEETING", MONTHS[0]), ("COMMITTEE_MEETING", MONTHS[1])):
            await s.meeting(b2, kind, day)  # no committee meeting in the quarter's last month

        m = await s.run("mutation M { addMilestone(measureId: \"M09\", title: \"完成 16 区摸底\", "
                        "dueOn: \"2027-03-31\") { id position } }", {})
        await s.run("mutation C($m: ID!) { completeMilestone(measureId: \"M09\", milestoneId: $m) { id position } }",
                    {"m": m["id"]})
        await s.run("mutation P { reportMeasureProgress(measureId: \"M09\", percent: 40, note: \"已建流动团支部\") "
                    "{ id position } }", {})
        await s.run("mutation P { reportMeasureProgress(measureId: \"M10\", percent: 20) { id position } }", {})
    runtime.deps.clock = Clock()
    await s.settle()

    async def all_arrived():  # the registry's events and the measures defined at start-up: other streams
        answer = await gql(gateway, "{ dashboard { youth { total } branches { measures { total } } } }",
                           token=token("admin"))
        dash = answer["data"]["dashboard"]
        return dash["youth"]["total"] == 7 and dash["branches"]["measures"]["total"] == 22
    await eventually(all_arrived)
    return s


async def test_the_city_dashboard_matches_a_hand_count(gateway, scenario, token):
    answer = await gql(gateway, DASHBOARD, {"q": QUARTER}, token("department_viewer"))
    assert "errors" not in answer, answer
    b = answer["data"]["dashboard"]["branches"]
    assert b["total"] == 3  # the dissolved one is not counted
    assert {k["kind"]: k["count"] for k in b["byKind"]} == {"MOBILE": 1, "ENTERPRISE": 1, "PARK": 1}
    assert {d["district"]: (d["branches"], d["members"]) for d in b["byDistrict"]} == {
        CHAOYANG: (2, 4), HAIDIAN: (1, 1)}
    assert b["members"] == 5 and b["applicationsPending"] == 1
    assert b["coverage"] == {"registered": 6, "inBranch": 4, "share": 0.6667}  # riders and couriers, not designers
    assert (b["transfersPending"], b["transfersExpired"]) == (1, 1)
    orgs = b["organisations"]
    assert (orgs["total"], orgs["withBranch"], orgs["withoutBranch"]) == (3, 1, 2)
    assert {s["stage"]: s["count"] for s in orgs["byStage"]} == {"CONTACTED": 1, "WORKING": 1, "BRANCH_FOUNDED": 1}
    assert {d["district"]: (d["contacted"], d["working"], d["branchFounded"]) for d in orgs["byDistrict"]} == {
        CHAOYANG: (0, 1, 1), HAIDIAN: (1, 0, 0)}
    assert b["meetingCompliance"] == {"quarter": QUARTER, "branches": 3, "compliant": 1, "share": 0.3333}
    measures = b["measures"]
    assert measures["total"] == 22 and measures["averageProgress"] == round(60 / 22, 1)
    assert {a["area"]: (a["measures"], a["averageProgress"]) for a in measures["byArea"]}["CONTACT_COVERAGE"] == (5, 12.0)
    m09 = next(m for m in measures["items"] if m["id"] == "M09")
    # two milestones planned in services/branches/measures.yaml, one added here and completed
    assert m09 == {"id": "M09", "progress": 40, "milestones": 3, "milestonesDone": 1, "placeholder": True}


async def test_a_district_token_sees_only_its_district(gateway, scenario, token):
    answer = await gql(gateway, DASHBOARD, {"q": QUARTER}, token("branch_secretary", HAIDIAN))
    b = answer["data"]["dashboard"]["branches"]
    assert answer["data"]["dashboard"]["district"] == HAIDIAN
    assert (b["total"], b["members"]) == (1, 1)
    assert b["coverage"] == {"registered": 2, "inBranch": 1, "share": 0.5}
    assert (b["transfersPending"], b["transfersExpired"]) == (1, 1)  # both go to Haidian
    assert b["meetingCompliance"]["branches"] == 1 and b["meetingCompliance"]["compliant"] == 0
    elsewhere = await gql(gateway, "{ branches(district: \"110105\") { nodes { id } } }",
                          token=token("branch_secretary", HAIDIAN))
    assert elsewhere["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_lists_are_paginated_and_viewers_read_aggregates_only(gateway, scenario, token):
    query = "query B($after: String) { branches(first: 2, after: $after) { nodes { id name status members } " \
            "pageInfo { hasNextPage endCursor } } }"
    seen, after = [], None
    while True:
        page = (await gql(gateway, query, {"after": after}, token("admin")))["data"]["branches"]
        seen += page["nodes"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == 4 and len({n["id"] for n in seen}) == 4
    assert sorted(n["members"] for n in seen) == [0, 1, 1, 3]
    assert sum(n["status"] == "DISSOLVED" for n in seen) == 1

    without = await gql(gateway, "{ organisations(withoutBranch: true) { nodes { name stage } } }", token=token("admin"))
    assert {n["stage"] for n in without["data"]["organisations"]["nodes"]} == {"CONTACTED", "WORKING"}
    pending = await gql(gateway, "{ transfers(status: PENDING) { nodes { youthId toDistrict expiresOn } } }",
                        token=token("admin"))
    assert [n["youthId"] for n in pending["data"]["transfers"]["nodes"]] == [scenario.riders[2]]
    compliance = await gql(gateway, "query C($q: String) { meetingCompliance(quarter: $q) { nodes { branchId "
                           "committeeMonths compliant } } }", {"q": QUARTER}, token("admin"))
    rows = {n["branchId"]: n for n in compliance["data"]["meetingCompliance"]["nodes"]}
    assert rows[scenario.b1]["compliant"] and rows[scenario.b2]["committeeMonths"] == 2
    measures = await gql(gateway, "{ measures(area: CONTACT_COVERAGE, first: 3) { nodes { id } "
                         "pageInfo { hasNextPage } } }", token=token("department_viewer"))
    assert [n["id"] for n in measures["data"]["measures"]["nodes"]] == ["M09", "M10", "M11"]
    viewer = await gql(gateway, "query M($b: ID!) { branchMembers(branchId: $b) { nodes { youthId } } }",
                       {"b": scenario.b1}, token=token("department_viewer"))
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    too_many = await gql(gateway, "{ branches(first: 1000) { nodes { id } } }", token=token("admin"))
    assert too_many["errors"][0]["extensions"]["field"] == "first"
    forged = await gql(gateway, "{ transfers(after: \"WzFd\") { nodes { id } } }", token=token("admin"))  # [1]
    assert forged["errors"][0]["extensions"] == {"code": "VALIDATION", "errors": forged["errors"][0]["extensions"]
                                                 ["errors"], "field": "after"}


PERIOD = """query P($from: Date, $to: Date) { dashboard(from: $from, to: $to) { branches { total members
  period { from to branchesFounded membersJoined transfersRequested transfersExpired organisationsContacted
           meetings meetingAttendance milestonesCompleted } } } }"""


async def period(gateway, token, date_from=None, date_to=None) -> dict:
    answer = await gql(gateway, PERIOD, {"from": date_from and date_from.isoformat(),
                                         "to": date_to and date_to.isoformat()}, token)
    assert "errors" not in answer, answer
    return answer["data"]["dashboard"]["branches"]


def counts(founded=0, joined=0, requested=0, expired=0, contacted=0, meetings=0, attendance=0, milestones=0):
    return {"branchesFounded": founded, "membersJoined": joined, "transfersRequested": requested,
            "transfersExpired": expired, "organisationsContacted": contacted, "meetings": meetings,
            "meetingAttendance": attendance, "milestonesCompleted": milestones}


async def test_the_date_range_counts_what_happened_within_it_and_leaves_current_figures(gateway, scenario, token):
    viewer = token("department_viewer")
    everything = await period(gateway, viewer)
    assert everything["period"] == {"from": None, "to": None, **counts(4, 5, 2, 1, 3, 9, 10, 1)}

    # The branches service's clock stood at the quarter's last day: founding, joining, contacts, requests.
    last_day = await period(gateway, viewer, QUARTER_END, QUARTER_END)
    assert last_day["period"] == {"from": QUARTER_END.isoformat(), "to": QUARTER_END.isoformat(),
                                  **counts(4, 5, 2, 0, 3, 0, 0, 1)}
    # Meetings are counted on the day they were held; expiries on the day they expired.
    first_month = await period(gateway, viewer, MONTHS[0], MONTHS[0])
    assert first_month["period"] == {"from": MONTHS[0].isoformat(), "to": MONTHS[0].isoformat(),
                                     **counts(meetings=4, attendance=4)}
    expiry = QUARTER_END + timedelta(days=100)
    assert (await period(gateway, viewer, expiry, None))["period"]["transfersExpired"] == 1
    # Current state is not a flow: the range leaves it alone (and says so in the schema).
    assert (last_day["total"], last_day["members"]) == (first_month["total"], first_month["members"]) == (3, 5)

    haidian = await period(gateway, token("department_viewer", HAIDIAN), MONTHS[0], QUARTER_END)
    assert haidian["period"] == {"from": MONTHS[0].isoformat(), "to": QUARTER_END.isoformat(),
                                 **counts(2, 1, 2, 0, 1, 4, 0, 1)}


async def test_refusals_reach_graphql_with_their_code_and_rule(gateway, scenario, token):
    again = await gql(gateway, "mutation A($y: ID!, $b: ID!) { approveMembership(youthId: $y, branchId: $b) { id } }",
                      {"y": scenario.riders[0], "b": scenario.b1}, token("admin"))
    ext = again["errors"][0]["extensions"]
    assert ext["code"] == "RULE_VIOLATED" and ext["rule"] == "no_pending_application"
    bad = await gql(gateway, "mutation F($i: FoundBranchInput!) { foundBranch(input: $i) { id } }",
                    {"i": {"name": "", "kind": "MOBILE", "district": CHAOYANG}}, token("admin"))
    # blank text is refused by the gateway before any resolver (chassis text rule), naming the input's field
    assert bad["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert (bad["errors"][0]["extensions"]["field"], bad["errors"][0]["extensions"]["rule"]) == ("input.name", "blank")


async def test_erasure_of_a_youth_removes_them_from_the_members(gateway, branches, scenario, settings, token):
    members = "query M($b: ID!) { branchMembers(branchId: $b) { nodes { youthId } } }"
    before = await gql(gateway, members, {"b": scenario.b1}, token("admin"))
    assert scenario.riders[0] in {n["youthId"] for n in before["data"]["branchMembers"]["nodes"]}
    async with RegistryFeed(settings) as feed:
        feed.versions = scenario.feed_versions
        await feed.erase(scenario.riders[0])

    async def gone():
        after = await gql(gateway, members, {"b": scenario.b1}, token("admin"))
        return scenario.riders[0] not in {n["youthId"] for n in after["data"]["branchMembers"]["nodes"]}
    await eventually(gone)
    answer = await gql(gateway, DASHBOARD, {"q": QUARTER}, token("admin"))
    b = answer["data"]["dashboard"]["branches"]
    assert b["members"] == 4 and b["coverage"]["inBranch"] == 3
