"""Related objects of list items through GraphQL on real PostgreSQL and Kafka: a page's branches and
stations are read with ONE statement per kind (DataLoader), whatever the page size; and a relation obeys
the district scope of a direct query (another district's branch or station is null, never leaked)."""
from __future__ import annotations

from contextlib import asynccontextmanager
from datetime import date

import pytest

from tests.integration.registry_feed import RegistryFeed
from tests.integration.stations_support import caught_up, create_station, gql, ok
from tests.support import CHAOYANG, HAIDIAN

BRANCH_BATCH = "FROM br_branches b WHERE b.branch_id = ANY"
STATION_BATCH = "FROM st_stations WHERE station_id = ANY"


class CountingPool:
    """The gateway's pool, logging every statement that the requests run on it (asyncpg's query logger)."""

    def __init__(self, pool):
        self.pool = pool
        self.statements: list[tuple[str, tuple]] = []

    def __getattr__(self, name):
        return getattr(self.pool, name)

    def _log(self, record) -> None:
        self.statements.append((record.query, record.args))

    @asynccontextmanager
    async def acquire(self):
        async with self.pool.acquire() as conn:
            conn.add_query_logger(self._log)
            try:
                yield conn
            finally:
                conn.remove_query_logger(self._log)

    def batches(self, marker: str) -> list[list[str]]:
        """The id lists of the batch statements containing `marker`."""
        return [list(args[0]) for query, args in self.statements if marker in query]


@asynccontextmanager
async def counting(gateway):
    runtime = gateway.app.state.runtime
    pool = CountingPool(runtime.pool)
    runtime.pool = pool
    try:
        yield pool
    finally:
        runtime.pool = pool.pool


async def run(gateway, token, mutation: str, variables: dict, role="admin", district=None) -> dict:
    data = await ok(gateway, mutation, variables, token(role, district))
    return next(iter(data.values()))


@pytest.fixture(scope="module")
async def world(gateway, branches, settings, token):
    """Chaoyang: 5 organisations, each with its branch; Haidian: one branch. One member of a Chaoyang
    branch asks to move to the Haidian one. Three Chaoyang stations, an event at each, an event without a
    station, and a Haidian event held at a Chaoyang station."""
    positions: list[str] = []
    w: dict = {"branches": {}}
    for i in range(5):
        org = await run(gateway, token, "mutation($i: RecordOrganisationInput!) { recordOrganisationContact(input: $i)"
                        " { id position } }", {"i": {"name": f"组织{i}", "kind": "PLATFORM", "district": CHAOYANG}})
        branch = await run(gateway, token, "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { id position } }",
                           {"i": {"name": f"组织{i}团支部", "kind": "ENTERPRISE", "district": CHAOYANG,
                                  "organisationId": org["id"]}}, "branch_secretary", CHAOYANG)
        w["branches"][branch["id"]] = f"组织{i}团支部"
        positions.append(branch["position"])
    haidian = await run(gateway, token, "mutation($i: FoundBranchInput!) { foundBranch(input: $i) { id position } }",
                        {"i": {"name": "海淀团支部", "kind": "COMMUNITY", "district": HAIDIAN}},
                        "branch_secretary", HAIDIAN)
    w["haidian_branch"] = haidian["id"]
    w["chaoyang_branch"] = chaoyang = next(iter(w["branches"]))
    async with RegistryFeed(settings) as feed:
        youth = await feed.register(birth=date(2000, 6, 1), district=CHAOYANG)
    known = branches.app.state.runtime.projections["branches.youth"]  # it admits only youth it has heard of
    assert await known.wait_for(f"youth-{youth}@1", 30)
    for step in ("applyForMembership", "approveMembership"):
        await run(gateway, token, f"mutation($y: ID!, $b: ID!) {{ {step}(youthId: $y, branchId: $b) {{ id position }} }}",
                  {"y": youth, "b": chaoyang})
    # Three youth registered through the registry: two join Chaoyang branches, one joins none.
    w["youth_branches"] = {}
    targets = list(w["branches"])[1:3] + [None]
    for i, target in enumerate(targets):
        made = await run(gateway, token, "mutation($i: RegisterYouthInput!) { registerYouth(input: $i) { id position } }",
                         {"i": {"name": "测试青年", "gender": "MALE", "birthDate": "2000-01-02",
                                "mobile": f"1390000000{i}", "district": CHAOYANG, "youthType": "NEW_BUSINESS",
                                "subtype": "DELIVERY_RIDER", "consents": ["REGISTRATION"]}}, "registry_operator")
        w["youth_branches"][made["id"]] = target
        assert await known.wait_for(made["position"], 30)
        if target is not None:
            for step in ("applyForMembership", "approveMembership"):
                done = await run(gateway, token, f"mutation($y: ID!, $b: ID!) {{ {step}(youthId: $y, branchId: $b) "
                                 "{ id position } }", {"y": made["id"], "b": target})
            positions.append(done["position"])
    moved = await run(gateway, token, "mutation($y: ID!, $b: ID!) { requestTransfer(youthId: $y, toBranchId: $b, "
                      "initiatedBy: FROM) { id position } }", {"y": youth, "b": haidian["id"]})
    positions.append(moved["position"])

    staff = token("station_staff")
    w["stations"] = {}
    for i, (lat, lon) in enumerate(((39.92, 116.45), (39.93, 116.46), (39.94, 116.47))):
        station = await create_station(gateway, staff, f"朝阳站点{i}", lat, lon, district=CHAOYANG)
        w["stations"][station["id"]] = f"朝阳站点{i}"
        positions.append(station["position"])
    schedule = ('mutation($d: String!, $t: String!, $s: ID) { scheduleEvent(kind: "TALK", title: $t, district: $d, '
                'startsAt: "2026-12-05T14:00:00+08:00", capacity: 10, stationId: $s) { id position } }')
    for i, sid in enumerate(w["stations"]):
        positions.append((await ok(gateway, schedule, {"d": CHAOYANG, "t": f"活动{i}", "s": sid}, staff))
                         ["scheduleEvent"]["position"])
    positions.append((await ok(gateway, schedule, {"d": CHAOYANG, "t": "线上活动", "s": None}, staff))
                     ["scheduleEvent"]["position"])
    w["cross_station"] = next(iter(w["stations"]))
    positions.append((await ok(gateway, schedule, {"d": HAIDIAN, "t": "海淀活动", "s": w["cross_station"]}, staff))
                     ["scheduleEvent"]["position"])
    await caught_up(gateway, token("admin"), positions)
    return w


ORGANISATIONS = """query($n: Int) { organisations(district: "110105", first: $n) {
  nodes { name branch { id name district members } } } }"""


async def test_a_page_of_organisations_reads_its_branches_in_one_statement(gateway, world, token):
    admin = token("admin")
    async with counting(gateway) as one:
        small = await ok(gateway, ORGANISATIONS, {"n": 1}, admin)
    async with counting(gateway) as five:
        page = await ok(gateway, ORGANISATIONS, {"n": 5}, admin)

    nodes = page["organisations"]["nodes"]
    assert len(nodes) == 5 and len(small["organisations"]["nodes"]) == 1
    assert {n["branch"]["id"]: n["branch"]["name"] for n in nodes} == world["branches"]
    assert all(n["branch"]["name"] == n["name"] + "团支部" and n["branch"]["district"] == CHAOYANG for n in nodes)
    members = {n["branch"]["id"]: n["branch"]["members"] for n in nodes}
    assert members.pop(world["chaoyang_branch"]) == 1  # the transfer is pending: still a member here
    assert sorted(members.values()) == [0, 0, 1, 1]  # the two registered youth
    # one batch with the five ids, not five lookups; the statements do not grow with the page
    assert [sorted(ids) for ids in five.batches(BRANCH_BATCH)] == [sorted(world["branches"])]
    assert len(one.batches(BRANCH_BATCH)) == 1
    assert len(five.statements) == len(one.statements) == 2  # the page, then its branches


TRANSFERS = "{ transfers { nodes { fromBranchId toBranchId fromBranch { id name } toBranch { id name } } } }"


async def test_both_ends_of_a_transfer_come_from_one_batch_and_only_within_the_callers_district(gateway, world,
                                                                                                token):
    async with counting(gateway) as pool:
        admin = (await ok(gateway, TRANSFERS, token=token("admin")))["transfers"]["nodes"]
    assert admin == [{"fromBranchId": world["chaoyang_branch"], "toBranchId": world["haidian_branch"],
                      "fromBranch": {"id": world["chaoyang_branch"], "name": world["branches"][world["chaoyang_branch"]]},
                      "toBranch": {"id": world["haidian_branch"], "name": "海淀团支部"}}]
    assert [sorted(ids) for ids in pool.batches(BRANCH_BATCH)] == [
        sorted([world["chaoyang_branch"], world["haidian_branch"]])]

    # Each district sees the transfer (it is on both sides) but only its own end of it.
    haidian = (await ok(gateway, TRANSFERS, token=token("branch_secretary", HAIDIAN)))["transfers"]["nodes"]
    assert haidian[0]["fromBranch"] is None and haidian[0]["toBranch"]["name"] == "海淀团支部"
    chaoyang = (await ok(gateway, TRANSFERS, token=token("branch_secretary", CHAOYANG)))["transfers"]["nodes"]
    assert chaoyang[0]["fromBranch"]["id"] == world["chaoyang_branch"] and chaoyang[0]["toBranch"] is None

    # The direct query answers the same way: another district's branches are not the caller's to read.
    direct = await gql(gateway, '{ branches(district: "110105") { nodes { id } } }',
                       token=token("branch_secretary", HAIDIAN))
    assert direct["errors"][0]["extensions"]["code"] == "FORBIDDEN"


EVENTS = "{ events(first: 10) { nodes { title district station { id name district } } } }"


async def test_a_page_of_events_reads_its_stations_in_one_statement_within_the_callers_district(gateway, world,
                                                                                               token):
    async with counting(gateway) as pool:
        nodes = (await ok(gateway, EVENTS, token=token("admin")))["events"]["nodes"]
    stations = {n["title"]: n["station"] and n["station"]["name"] for n in nodes}
    assert stations == {"活动0": "朝阳站点0", "活动1": "朝阳站点1", "活动2": "朝阳站点2", "线上活动": None,
                        "海淀活动": world["stations"][world["cross_station"]]}
    assert [sorted(ids) for ids in pool.batches(STATION_BATCH)] == [sorted(world["stations"])]  # deduplicated
    assert len(pool.statements) == 2

    # A Haidian reader sees the Haidian event, but not the Chaoyang station it is held at.
    haidian = (await ok(gateway, EVENTS, token=token("department_viewer", HAIDIAN)))["events"]["nodes"]
    assert haidian == [{"title": "海淀活动", "district": HAIDIAN, "station": None}]


async def test_loaded_objects_are_not_shared_between_requests(gateway, world, token):
    """Per request on purpose: a second request reads again (nothing cached across callers)."""
    async with counting(gateway) as pool:
        await ok(gateway, EVENTS, token=token("admin"))
        await ok(gateway, EVENTS, token=token("admin"))
    assert len(pool.batches(STATION_BATCH)) == 2


YOUTHS = '{ youths(filter: {district: "110105"}, first: 10) { nodes { id branch { id name } } } }'
MEMBERSHIP_BATCH = "FROM br_members WHERE youth_id = ANY"


async def test_a_page_of_youth_reads_their_branches_in_two_statements(gateway, world, token):
    async with counting(gateway) as pool:  # the page itself comes from the registry (HTTP), not this pool
        nodes = (await ok(gateway, YOUTHS, token=token("admin")))["youths"]["nodes"]
    assert {n["id"]: n["branch"] and n["branch"]["id"] for n in nodes} == world["youth_branches"]
    assert [sorted(ids) for ids in pool.batches(MEMBERSHIP_BATCH)] == [sorted(world["youth_branches"])]
    assert [sorted(ids) for ids in pool.batches(BRANCH_BATCH)] == [
        sorted(b for b in world["youth_branches"].values() if b)]
    assert len(pool.statements) == 2

    # Roles that may not read branches get null, as the direct query would refuse them.
    operator = (await ok(gateway, YOUTHS, token=token("registry_operator", CHAOYANG)))["youths"]["nodes"]
    assert {n["id"] for n in operator} == set(world["youth_branches"])
    assert [n["branch"] for n in operator] == [None] * 3
