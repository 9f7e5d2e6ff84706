"""What anyone may read without signing in, on the real stack: the nearest open stations, the upcoming
events and the upcoming programmes (public fields only), and the per-address rate limit on anonymous calls (429 with Retry-After;
X-Forwarded-For believed only from a configured proxy)."""
from __future__ import annotations

from datetime import datetime, timedelta

from chassis.clock import BEIJING, Clock
from gateway.anonymous import AnonymousLimit, proxies
from gateway.schema import schema
from tests.integration.stations_support import caught_up, create_station
from tests.registry_support import data, person

NEAREST = """query N($lat: Float!, $lon: Float!) { nearestStations(lat: $lat, lon: $lon, service: REST, limit: 2) {
  id name distanceKm } }"""
PROGRAMMES = """query P($d: String, $after: String) { upcomingProgrammes(district: $d, first: 100, after: $after) {
  nodes { id name kind district startsOn sessions } } }"""
UPCOMING = """{ upcomingEvents(district: "110105", first: 100) { nodes { id title remainingPlaces stationName } } }"""


async def anonymous(gateway, query: str, variables: dict | None = None, headers: dict | None = None):
    return await gateway.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {})


async def test_anyone_finds_the_nearest_station_and_the_upcoming_events_without_a_token(gateway, token):
    admin = token("admin")
    near = await create_station(gateway, admin, "公开测试近站", 39.9101, 116.4101)
    far = await create_station(gateway, admin, "公开测试远站", 39.9301, 116.4301)
    await caught_up(gateway, admin, [near["position"], far["position"]])
    answer = await anonymous(gateway, NEAREST, {"lat": 39.91, "lon": 116.41})
    assert answer.status_code == 200
    found = answer.json()["data"]["nearestStations"]
    assert [s["id"] for s in found] == [near["id"], far["id"]] and found[0]["distanceKm"] < 0.1

    soon = (datetime.now(BEIJING) + timedelta(days=2)).isoformat()
    past = (datetime.now(BEIJING) - timedelta(days=2)).isoformat()
    ids = {}
    for title, at in (("公开沙龙", soon), ("已结束的沙龙", past)):
        ids[title] = data((await gateway.post("/graphql", headers={"authorization": f"Bearer {admin}"}, json={
            "query": """mutation S($at: DateTime!, $t: String!, $s: ID!) { scheduleEvent(kind: "SALON", title: $t,
              district: "110105", startsAt: $at, capacity: 3, stationId: $s) { id position } }""",
            "variables": {"at": at, "t": title, "s": near["id"]}})).json())["scheduleEvent"]
    await caught_up(gateway, admin, [e["position"] for e in ids.values()])
    events = data((await anonymous(gateway, UPCOMING)).json())["upcomingEvents"]["nodes"]
    mine = [e for e in events if e["id"] in {i["id"] for i in ids.values()}]
    assert mine == [{"id": ids["公开沙龙"]["id"], "title": "公开沙龙", "remainingPlaces": 3, "stationName": "公开测试近站"}]

    rider = token("youth", subject="wx-public-booker")
    await gateway.post("/graphql", headers={"authorization": f"Bearer {rider}"}, json={
        "query": "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }", "variables": {"i": person()}})
    booked = data((await gateway.post("/graphql", headers={"authorization": f"Bearer {rider}"}, json={
        "query": "mutation B($e: ID!) { bookEvent(eventId: $e) { position } }",
        "variables": {"e": ids["公开沙龙"]["id"]}})).json())["bookEvent"]
    await caught_up(gateway, admin, [booked["position"]])
    events = data((await anonymous(gateway, UPCOMING)).json())["upcomingEvents"]["nodes"]
    assert next(e for e in events if e["id"] == ids["公开沙龙"]["id"])["remainingPlaces"] == 2  # one place fewer
    # Anything else still needs a token.
    refused = (await anonymous(gateway, "{ events { nodes { id } } }")).json()
    assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_anyone_sees_the_upcoming_programmes_without_who_enrolled(gateway, token):
    admin = token("admin")
    today = datetime.now(BEIJING).date()
    made = {}
    for name, district, starts in (("骑手班（公开）", "110105", today + timedelta(days=10)),
                                   ("已开班的骑手班", "110105", today - timedelta(days=5)),
                                   ("海淀职业技能班", "110108", today + timedelta(days=3))):
        made[name] = data((await gateway.post("/graphql", headers={"authorization": f"Bearer {admin}"}, json={
            "query": """mutation P($n: String!, $d: String!, $s: Date!) { createProgramme(name: $n, kind: "RIDER_DIPLOMA",
              district: $d, startsOn: $s) { id position } }""",
            "variables": {"n": name, "d": district, "s": starts.isoformat()}})).json())["createProgramme"]
    rider_class = made["骑手班（公开）"]["id"]
    session = data((await gateway.post("/graphql", headers={"authorization": f"Bearer {admin}"}, json={
        "query": """mutation S($p: ID!, $at: DateTime!) { addProgrammeSession(programmeId: $p, title: "第一课",
          startsAt: $at) { position } }""",
        "variables": {"p": rider_class, "at": (datetime.now(BEIJING) + timedelta(days=10)).isoformat()}})).json())
    rider = token("youth", subject="wx-public-enrol")
    await gateway.post("/graphql", headers={"authorization": f"Bearer {rider}"}, json={
        "query": "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }", "variables": {"i": person()}})
    enrolled = data((await gateway.post("/graphql", headers={"authorization": f"Bearer {rider}"}, json={
        "query": "mutation E($p: ID!) { enrolInProgramme(programmeId: $p) { position } }",
        "variables": {"p": rider_class}})).json())["enrolInProgramme"]
    await caught_up(gateway, admin, [m["position"] for m in made.values()]
                    + [session["addProgrammeSession"]["position"], enrolled["position"]])

    answer = await anonymous(gateway, PROGRAMMES, {"d": "110105"})
    assert answer.status_code == 200
    ours = {m["id"] for m in made.values()}
    listed = [p for p in data(answer.json())["upcomingProgrammes"]["nodes"] if p["id"] in ours]
    # not yet started, in the district asked for; an enrolment changes nothing public
    assert listed == [{"id": rider_class, "name": "骑手班（公开）", "kind": "RIDER_DIPLOMA", "district": "110105",
                       "startsOn": (today + timedelta(days=10)).isoformat(), "sessions": 1}]
    everywhere = [p["id"] for p in data((await anonymous(gateway, PROGRAMMES)).json())["upcomingProgrammes"]["nodes"]
                  if p["id"] in ours]
    assert everywhere == [made["海淀职业技能班"]["id"], rider_class]  # soonest first
    # The public type has no field that counts or names who enrolled.
    fields = set(schema._schema.get_type("PublicProgramme").fields)
    assert fields == {"id", "name", "kind", "district", "startsOn", "sessions"}

    bad = (await anonymous(gateway, PROGRAMMES, {"d": "999999"})).json()["errors"][0]
    assert bad["extensions"]["code"] == "VALIDATION" and "district" in str(bad["extensions"])
    forged = (await anonymous(gateway, PROGRAMMES, {"after": "bm90LWEtY3Vyc29y"})).json()["errors"][0]
    assert forged["extensions"]["code"] == "VALIDATION"


FLAT = """query Find($lat: Float!, $lon: Float!, $s: ServiceType) { near: nearestStations(lat: $lat, lon: $lon,
  service: $s, limit: 3) { __typename id where: name kind services lat distanceKm openingHours } }"""


async def test_a_flat_anonymous_finder_query_is_answered_directly_and_exactly_as_the_full_path(gateway, token):
    admin = token("admin")
    made = [await create_station(gateway, admin, f"直答站{i}", 39.8801 + 0.001 * i, 116.3301) for i in range(4)]
    await caught_up(gateway, admin, [m["position"] for m in made])
    direct = gateway.app.state.direct_nearest
    point = {"lat": 39.88, "lon": 116.33, "s": "REST"}
    first = await anonymous(gateway, FLAT, point)  # the full path, which makes the document known
    assert (FLAT, None) in direct.plans
    again = await anonymous(gateway, FLAT, point)  # the direct path
    signed_in = await anonymous(gateway, FLAT, point, {"authorization": f"Bearer {admin}"})  # never direct
    assert first.json() == again.json() == signed_in.json()
    near = again.json()["data"]["near"]
    assert [s["where"] for s in near] == ["直答站0", "直答站1", "直答站2"]
    assert near[0]["__typename"] == "Station" and near[0]["kind"] == "RIDER_REFUEL" and "REST" in near[0]["services"]

    # Whatever would be refused is answered by the full path, with its usual errors.
    outside = (await anonymous(gateway, FLAT, {**point, "lat": 31.2})).json()
    assert outside["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert outside["errors"][0]["extensions"]["field"] == "lat"
    wrong_type = (await anonymous(gateway, FLAT, {**point, "s": "NOT_A_SERVICE"})).json()
    assert wrong_type["data"] is None and wrong_type["errors"]
    missing = (await anonymous(gateway, FLAT, {"lon": 116.33})).json()
    assert missing["data"] is None and "$lat" in missing["errors"][0]["message"]
    # Another shape (a fragment, another field beside it) is never planned.
    fragment = """query { nearestStations(lat: 39.88, lon: 116.33) { ...S } } fragment S on Station { id }"""
    both = """query { nearestStations(lat: 39.88, lon: 116.33) { id } upcomingEvents(first: 1) { nodes { id } } }"""
    for query in (fragment, both):
        assert "errors" not in (await anonymous(gateway, query)).json()
        assert (query, None) not in direct.plans


async def test_anonymous_calls_are_rate_limited_per_client_address(gateway, token):
    rt = gateway.app.state.runtime
    limit, clock = rt.deps.anonymous, rt.deps.clock
    query = {"lat": 39.91, "lon": 116.41}
    try:
        rt.deps.clock = Clock.fixed(clock.now())
        # The test client's peer is 127.0.0.1: here a trusted proxy, so X-Forwarded-For names the client.
        rt.deps.anonymous = AnonymousLimit(3, proxies("127.0.0.1"))
        rider = {"x-forwarded-for": "203.0.113.7, 127.0.0.1"}
        for _ in range(3):
            assert (await anonymous(gateway, NEAREST, query, rider)).status_code == 200
        refused = await anonymous(gateway, NEAREST, query, rider)
        assert refused.status_code == 429 and refused.headers["retry-after"] == "20"  # 3 a minute: one per 20 s
        assert refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
        other = {"x-forwarded-for": "203.0.113.8"}
        assert (await anonymous(gateway, NEAREST, query, other)).status_code == 200  # another address, its own bucket
        signed_in = {"authorization": f"Bearer {token('youth', subject='wx-rate')}"}
        assert (await anonymous(gateway, NEAREST, query, signed_in)).status_code == 200  # a token is not limited
        rt.deps.clock = Clock.fixed(clock.now() + timedelta(seconds=20))
        assert (await anonymous(gateway, NEAREST, query, rider)).status_code == 200  # one call a 20 s later

        # No trusted proxy: X-Forwarded-For is the client's own say and ignored, so it cannot pick a fresh bucket.
        rt.deps.anonymous = AnonymousLimit(3)
        answers = [(await anonymous(gateway, NEAREST, query, {"x-forwarded-for": f"198.51.100.{i}"})).status_code
                   for i in range(4)]
        assert answers == [200, 200, 200, 429]
    finally:
        rt.deps.anonymous, rt.deps.clock = limit, clock
