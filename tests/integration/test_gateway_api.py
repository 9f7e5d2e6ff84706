"""The gateway's GraphQL API over real HTTP and WebSocket, on real PostgreSQL and Kafka: typed errors,
read-your-writes, the dashboard's scope and date range, pagination limits, abusive-query limits and the
live subscription (graphql-transport-ws)."""
from __future__ import annotations

import asyncio
import json
import logging
import uuid
from contextlib import asynccontextmanager
from datetime import date, timedelta

import asyncpg
import httpx
import pytest
import websockets
from fastapi import FastAPI

from chassis.clock import Clock
from chassis.errors import NotFound, VersionConflict
from chassis.http import install_error_handlers
from gateway.app import create_app as create_gateway
from gateway.clients import ServiceClient
from tests.support import bearer, served

REGISTER = "mutation($input: RegisterYouthInput!) { registerYouth(input: $input) { id version position } }"
TOTAL = ("query($pos: String, $district: String) { dashboard(minPosition: $pos, district: $district) "
         "{ district youth { total } } }")


def youth_input(mobile: str, district: str = "110105", **overrides) -> dict:
    return {"name": "赵一", "gender": "FEMALE", "birthDate": "1999-05-06", "mobile": mobile, "district": district,
            "youthType": "NEW_BUSINESS", "subtype": "COURIER", "consents": ["REGISTRATION"], **overrides}


def mobile() -> str:
    return "139" + str(uuid.uuid4().int)[:8]


@pytest.fixture(scope="module")
def gw_settings(settings):
    # small limits so that tests can cross them; read-your-writes gives up after four seconds here
    return settings.model_copy(update={"graphql_max_aliases": 3, "graphql_max_cost": 700,
                                       "graphql_max_body_bytes": 8192, "graphql_introspection": False,
                                       "consistency_wait_seconds": 4.0})


@asynccontextmanager
async def served_gateway(settings, registry):
    """The gateway over real HTTP (`base_url`), forwarding to the in-process registry."""
    app = create_gateway(settings)
    async with served(app) as base:
        app.state.runtime.deps.clients["registry"] = ServiceClient("registry", "http://registry",
                                                             transport=httpx.ASGITransport(app=registry.app))
        app.base_url = base
        yield app


@pytest.fixture(scope="module")
async def gateway_app(gw_settings, registry):
    async with served_gateway(gw_settings, registry) as app:
        yield app


@pytest.fixture(scope="module")
def url(gateway_app) -> str:
    return gateway_app.base_url


@pytest.fixture(scope="module")
def clients(gateway_app) -> dict:
    """The served gateway's service clients (a test may swap one)."""
    return gateway_app.state.runtime.deps.clients


@pytest.fixture(scope="module")
async def http(url):
    async with httpx.AsyncClient(base_url=url, timeout=30) as client:
        yield client


async def gql(http, query, variables=None, token=None) -> dict:
    response = await http.post("/graphql", json={"query": query, "variables": variables or {}},
                               headers=bearer(token) if token else {})
    assert response.status_code == 200, response.text
    return response.json()


def code_of(result: dict) -> str:
    assert result.get("errors"), result
    return result["errors"][0]["extensions"]["code"]


async def register(http, token, district="110105") -> dict:
    result = await gql(http, REGISTER, {"input": youth_input(mobile(), district)}, token("registry_operator"))
    assert "errors" not in result, result
    return result["data"]["registerYouth"]


# --- typed errors -------------------------------------------------------------------------------------

async def test_unauthenticated_without_or_with_a_forged_token(http, token):
    assert code_of(await gql(http, TOTAL)) == "UNAUTHENTICATED"
    forged = token("admin")[:-6] + "AAAAAA"
    result = await gql(http, TOTAL, token=forged)
    assert code_of(result) == "UNAUTHENTICATED" and result["data"] is None


async def test_forbidden_for_a_role_without_the_dashboard_and_outside_ones_district(http, token):
    assert code_of(await gql(http, TOTAL, token=token("partner"))) == "FORBIDDEN"
    widened = await gql(http, TOTAL, {"district": "110108"}, token=token("department_viewer", district="110105"))
    assert code_of(widened) == "FORBIDDEN" and "朝阳区" in widened["errors"][0]["message"]


async def test_refusals_are_answers_not_logged_errors(http, token):
    class Collect(logging.Handler):
        records: list[logging.LogRecord] = []

        def emit(self, record: logging.LogRecord) -> None:
            self.records.append(record)

    handler = Collect(level=logging.ERROR)
    logging.getLogger().addHandler(handler)
    try:
        assert code_of(await gql(http, TOTAL, token=token("partner"))) == "FORBIDDEN"
        assert code_of(await gql(http, "{ dashboard { nope } }", token=token("admin"))) == "VALIDATION"
        assert code_of(await gql(http, TOTAL, token="not-a-token")) == "UNAUTHENTICATED"
    finally:
        logging.getLogger().removeHandler(handler)
    graphql_errors = [r for r in handler.records if r.name.startswith(("strawberry", "gateway"))]
    assert [r.getMessage() for r in graphql_errors] == []  # (other components' noise, e.g. aiokafka's, is not ours)


async def test_validation_names_the_field(http, token):
    cases = {
        "district": ('{ dashboard(district: "310101") { district } }', {}),
        "to": ('{ dashboard(from: "2025-02-01", to: "2025-01-01") { district } }', {}),
        "minPosition": ('{ dashboard(minPosition: "nonsense") { district } }', {}),
        "first": ("{ dashboard { registrationsPerWeek(first: 101) { nodes { week } } } }", {}),
        "after": ('{ dashboard { registrationsPerWeek(after: "!!") { nodes { week } } } }', {}),
    }
    for field, (query, variables) in cases.items():
        result = await gql(http, query, variables, token("admin"))
        assert code_of(result) == "VALIDATION", (field, result)
        assert result["errors"][0]["extensions"]["field"] == field, (field, result)


async def test_conflict_carries_the_current_version_and_not_found_its_code(http, clients, token):
    """A service's answers reach the client with their code and details (the registry's own mutations
    with an expected version come with its issue; here a service that answers with the chassis errors)."""
    service = FastAPI()
    install_error_handlers(service)
    answers = {"conflict": VersionConflict("youth-1", expected=2, current=5), "missing": NotFound("未找到该青年。")}

    @service.post("/youth")
    async def answer(body: dict):
        raise answers[body["name"]]

    real = clients["registry"]
    clients["registry"] = ServiceClient("registry", "http://fake", transport=httpx.ASGITransport(app=service))
    try:
        conflict = await gql(http, REGISTER, {"input": youth_input(mobile(), name="conflict")}, token("admin"))
        missing = await gql(http, REGISTER, {"input": youth_input(mobile(), name="missing")}, token("admin"))
    finally:
        clients["registry"] = real
    assert code_of(conflict) == "CONFLICT" and conflict["errors"][0]["extensions"]["current_version"] == 5
    assert code_of(missing) == "NOT_FOUND" and missing["errors"][0]["message"] == "未找到该青年。"


async def test_unavailable_when_a_service_is_down_or_the_read_model_does_not_catch_up(http, clients, token):
    real = clients["registry"]
    clients["registry"] = ServiceClient("registry", "http://127.0.0.1:9")  # nothing listens on port 9
    try:
        down = await gql(http, REGISTER, {"input": youth_input(mobile())}, token("admin"))
    finally:
        clients["registry"] = real
    assert code_of(down) == "UNAVAILABLE" and "registry" in down["errors"][0]["message"]
    never = await gql(http, TOTAL, {"pos": f"youth-{uuid.uuid4()}@1"}, token("admin"))  # waits 4 s, then gives up
    assert code_of(never) == "UNAVAILABLE" and "同步" in never["errors"][0]["message"]


async def test_a_duplicate_registration_is_typed_by_the_registry(http, token):
    number = mobile()
    first = await gql(http, REGISTER, {"input": youth_input(number)}, token("registry_operator"))
    again = await gql(http, REGISTER, {"input": youth_input(number)}, token("registry_operator"))
    assert "errors" not in first
    assert code_of(again) == "DUPLICATE"
    assert again["errors"][0]["extensions"]["existing_id"] == first["data"]["registerYouth"]["id"]


# --- read-your-writes and the dashboard's scope -------------------------------------------------------

async def test_read_your_writes_on_every_projection_of_the_dashboard(http, token):
    # Huairou: no other test of this module registers there, so the figures move by this write alone
    viewer = token("department_viewer")
    today = Clock().today().isoformat()
    query = """query($pos: String, $from: Date) { dashboard(minPosition: $pos, from: $from, district: "110116") {
        youth { total } registrationsPerWeek { nodes { week count } } } }"""
    before = (await gql(http, query, {"from": today}, viewer))["data"]["dashboard"]
    written = await register(http, token, "110116")
    after = (await gql(http, query, {"pos": written["position"], "from": today}, viewer))["data"]["dashboard"]
    assert after["youth"]["total"] == before["youth"]["total"] + 1  # no retry loop: the query waited
    weeks = {w["week"]: w["count"] for w in after["registrationsPerWeek"]["nodes"]}
    monday = (Clock().today() - timedelta(days=Clock().today().weekday())).isoformat()
    assert weeks[monday] == {w["week"]: w["count"] for w in before["registrationsPerWeek"]["nodes"]}.get(monday, 0) + 1


async def test_a_district_token_sees_only_its_district_and_a_city_token_may_narrow(http, token):
    await register(http, token, "110108")
    last = await register(http, token, "110105")
    query = """query($pos: String, $district: String) { dashboard(minPosition: $pos, district: $district) {
        district youth { total byDistrict { district count } } } }"""
    scoped = (await gql(http, query, {"pos": last["position"]}, token("department_viewer", district="110108")))
    assert scoped["data"]["dashboard"]["district"] == "110108"
    assert [d["district"] for d in scoped["data"]["dashboard"]["youth"]["byDistrict"]] == ["110108"]
    city = (await gql(http, query, {}, token("department_viewer")))["data"]["dashboard"]
    assert {d["district"] for d in city["youth"]["byDistrict"]} >= {"110105", "110108"} and city["district"] is None
    narrowed = (await gql(http, query, {"district": "110108"}, token("admin")))["data"]["dashboard"]
    assert narrowed["youth"] == scoped["data"]["dashboard"]["youth"]


async def test_date_range_counts_registrations_in_the_period_only(http, token):
    last = await register(http, token)
    viewer = token("department_viewer")
    query = ("query($pos: String, $from: Date, $to: Date) "
             "{ dashboard(minPosition: $pos, from: $from, to: $to) { youth { total } } }")
    today = Clock().today()  # the dashboard counts registrations by Beijing day, not by the machine's (UTC) date
    now = (await gql(http, query, {"pos": last["position"], "from": today.isoformat(), "to": today.isoformat()}, viewer))
    past = (await gql(http, query, {"from": "2020-01-01", "to": "2020-12-31"}, viewer))
    assert now["data"]["dashboard"]["youth"]["total"] >= 1
    assert past["data"]["dashboard"]["youth"]["total"] == 0


# --- pagination ---------------------------------------------------------------------------------------

async def test_weekly_series_pages_with_cursors_up_to_the_maximum_page_size(http, gw_settings, token):
    # eight past weeks of registrations in Yanqing (read-model rows, as the projection would write them)
    conn = await asyncpg.connect(gw_settings.database_url(gw_settings.database("gateway")))
    try:
        for week in range(8):
            await conn.execute("INSERT INTO youth_daily VALUES ('110119', 'NEW_BUSINESS', $1, $2)",
                               date(2021, 1, 4) + timedelta(weeks=week), week + 1)
    finally:
        await conn.close()
    query = """query($after: String, $first: Int) { dashboard(district: "110119", to: "2021-12-31") {
        registrationsPerWeek(first: $first, after: $after) { nodes { week count } pageInfo { hasNextPage endCursor } } } }"""
    seen, after = [], None
    while True:
        page = (await gql(http, query, {"after": after, "first": 3}, token("admin")))["data"]["dashboard"]["registrationsPerWeek"]
        assert len(page["nodes"]) <= 3
        seen += [n["count"] for n in page["nodes"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [1, 2, 3, 4, 5, 6, 7, 8]
    too_many = await gql(http, query, {"first": 101}, token("admin"))
    assert code_of(too_many) == "VALIDATION" and "100" in too_many["errors"][0]["message"]


# --- abusive queries ----------------------------------------------------------------------------------

async def test_abusive_queries_are_refused_with_the_rule_they_break(http, token):
    admin = token("admin")
    aliases = await gql(http, "{ a: districts { code } b: districts { code } c: districts { code } d: districts { code } }",
                        token=admin)
    assert code_of(aliases) == "VALIDATION" and aliases["errors"][0]["extensions"]["rule"] == "aliases"
    costly = await gql(http, """{ dashboard { a: registrationsPerWeek(first: 100) { nodes { week count } }
        b: registrationsPerWeek(first: 100) { nodes { week count } }
        c: registrationsPerWeek(first: 100) { nodes { week count } } } }""", token=admin)
    assert costly["errors"][0]["extensions"]["rule"] == "cost" and costly["data"] is None
    introspection = await gql(http, "{ __schema { types { name } } }", token=admin)
    assert introspection["errors"][0]["extensions"] == {"code": "VALIDATION", "rule": "introspection"}
    huge = await http.post("/graphql", json={"query": "{ districts { code } }", "padding": "x" * 10_000},
                           headers=bearer(admin))
    assert huge.status_code == 413 and huge.json()["errors"][0]["extensions"]["rule"] == "body_size"
    # the page learns which fields exist without introspection
    ok = await gql(http, "{ dashboard { available } }", token=admin)
    assert "youth.total" in ok["data"]["dashboard"]["available"]


async def test_graphiql_is_off_with_introspection(http):
    response = await http.get("/graphql", headers={"accept": "text/html"})
    assert response.status_code != 200 or "graphiql" not in response.text.lower()


# --- subscriptions ------------------------------------------------------------------------------------

async def ws_connect(url: str, token: str | None):
    ws = await websockets.connect(url.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"])
    await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"} if token else {}}))
    return ws


async def next_message(ws, timeout: float = 30) -> dict:
    while True:
        frame = await asyncio.wait_for(ws.recv(), timeout)
        assert isinstance(frame, str), "graphql-transport-ws sends text frames; browsers' clients drop binary ones"
        message = json.loads(frame)
        if message["type"] != "ping":
            return message


async def test_subscription_receives_the_dashboard_after_an_event(http, url, token):
    ws = await ws_connect(url, token("department_viewer", district="110105"))
    try:
        assert (await next_message(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { dashboardUpdated { district youth { total } } }"}}))
        first = await next_message(ws)
        assert first["type"] == "next" and first["payload"]["data"]["dashboardUpdated"]["district"] == "110105"
        total = first["payload"]["data"]["dashboardUpdated"]["youth"]["total"]
        await register(http, token, "110105")
        while True:  # other projections' batches may tick first; the figure arrives without asking
            update = await next_message(ws)
            assert update["type"] == "next", update
            if update["payload"]["data"]["dashboardUpdated"]["youth"]["total"] == total + 1:
                break
    finally:
        await ws.close()


async def test_subscription_needs_a_valid_token_in_connection_init(url, token):
    for bad in (None, token("admin")[:-4] + "AAAA"):
        ws = await ws_connect(url, bad)
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await next_message(ws, timeout=10)
        assert closed.value.rcvd.code == 4403
    ws = await ws_connect(url, token("partner"))  # a valid token, but no dashboard role
    try:
        assert (await next_message(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { dashboardUpdated { district } }"}}))
        refused = await next_message(ws)
        assert refused["payload"]["errors"][0]["extensions"]["code"] == "FORBIDDEN", refused
    finally:
        await ws.close()


async def test_a_subscription_ends_when_its_token_expires(http, url, token):
    ws = await ws_connect(url, token("department_viewer", ttl_seconds=2))
    try:
        assert (await next_message(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { dashboardUpdated { youth { total } } }"}}))
        assert (await next_message(ws))["type"] == "next"
        await asyncio.sleep(3)
        await register(http, token)  # the next update finds the token expired
        message = await next_message(ws)
        assert message["payload"]["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED", message
    finally:
        await ws.close()


# --- dashboard figures: computed once per state of the read models -------------------------------------

@pytest.fixture
def resolved(monkeypatch):
    """The scopes of the dashboards executed (not answered whole from the cache), in order."""
    import gateway.schema as schema_module

    scopes: list = []
    real = schema_module.dashboard_for
    monkeypatch.setattr(schema_module, "dashboard_for", lambda scope: scopes.append(scope) or real(scope))
    return scopes


async def test_a_repeated_dashboard_is_answered_whole_per_caller_scope_until_the_read_model_moves(
        http, gw_settings, token, resolved):
    from gateway.schema.dashboard_cache import GENERATIONS

    city, chaoyang = token("department_viewer"), token("department_viewer", district="110105")
    db = await asyncpg.connect(gw_settings.database_url(gw_settings.database("gateway")))
    try:
        for _attempt in range(5):  # another test's late event may move the read model meanwhile: try again
            before = [tuple(r) for r in await db.fetch(GENERATIONS)]
            answers = [(await gql(http, TOTAL, {}, who))["data"]["dashboard"] for who in (city, chaoyang, city, chaoyang)]
            if [tuple(r) for r in await db.fetch(GENERATIONS)] == before:
                break
            resolved.clear()
        else:
            pytest.fail("the read model kept changing")
        assert answers[0] == answers[2] and answers[1] == answers[3]
        assert answers[0]["district"] is None and answers[1]["district"] == "110105"  # each caller its own scope
        assert len(resolved) == 2  # the repeats were not executed at all
        # the cache never answers for a caller who may not see the dashboard, nor for a bad token
        assert code_of(await gql(http, TOTAL, {}, token("partner"))) == "FORBIDDEN"
        assert code_of(await gql(http, TOTAL, {}, "forged")) == "UNAUTHENTICATED"
        # a projection commits: the next repeat is executed again and sees it
        await register(http, token, "110105")
        for _ in range(100):
            fresh = (await gql(http, TOTAL, {}, chaoyang))["data"]["dashboard"]
            if fresh["youth"]["total"] == answers[1]["youth"]["total"] + 1:
                break
            await asyncio.sleep(0.05)
        assert fresh["youth"]["total"] == answers[1]["youth"]["total"] + 1
    finally:
        await db.close()


async def test_with_an_answer_age_allowed_a_repeated_dashboard_is_executed_again_only_once_it_is_that_old(
        http, gateway_app, token, monkeypatch, resolved):
    now = [1000.0]  # the cache's clock, moved by hand: a slow first registration cannot age the answer
    monkeypatch.setattr(gateway_app.state.runtime.deps.figures, "clock", lambda: now[0])
    monkeypatch.setattr(gateway_app.state.runtime.deps.figures, "answer_max_age", 1.0)
    viewer = token("department_viewer", district="110109")
    first = (await gql(http, TOTAL, {}, viewer))["data"]["dashboard"]
    done = await register(http, token, "110109")
    # read-your-writes is never served an old answer: minPosition waits, then reads the figures
    fresh = (await gql(http, TOTAL, {"pos": done["position"]}, viewer))["data"]["dashboard"]
    assert fresh["youth"]["total"] == first["youth"]["total"] + 1
    resolved.clear()
    now[0] += 0.9
    again = (await gql(http, TOTAL, {}, viewer))["data"]["dashboard"]  # the read model moved; the answer is young
    assert again == first and resolved == []
    now[0] += 0.2
    later = (await gql(http, TOTAL, {}, viewer))["data"]["dashboard"]
    assert later == fresh and len(resolved) == 1  # that old: executed again, and it sees the registration


async def test_identical_dashboards_in_flight_together_are_executed_once(http, gw_settings, token, resolved):
    from gateway.schema.dashboard_cache import GENERATIONS

    viewer = token("department_viewer", district="110108")
    db = await asyncpg.connect(gw_settings.database_url(gw_settings.database("gateway")))
    try:
        for _attempt in range(5):  # another test's late event may move the read model meanwhile: try again
            await register(http, token, "110108")  # a generation no answer was kept for
            await asyncio.sleep(0.5)
            resolved.clear()
            before = [tuple(r) for r in await db.fetch(GENERATIONS)]
            answers = await asyncio.gather(*(gql(http, TOTAL, {}, viewer) for _ in range(8)))
            if [tuple(r) for r in await db.fetch(GENERATIONS)] == before:
                break
        else:
            pytest.fail("the read model kept changing")
        assert all(a == answers[0] and "errors" not in a for a in answers)
        assert len(resolved) == 1  # one executed, seven waited for its answer
    finally:
        await db.close()


async def test_dashboard_figures_are_reused_until_a_projection_commits_a_change(http, gw_settings, token):
    from gateway.schema.dashboard_cache import GENERATIONS

    viewer = token("department_viewer")
    db = await asyncpg.connect(gw_settings.database_url(gw_settings.database("gateway")))
    bump = """INSERT INTO youth_counts VALUES ('110111', 'NEW_BUSINESS', 'COURIER', $1)
              ON CONFLICT (district, youth_type, subtype) DO UPDATE SET count = youth_counts.count + $1"""
    try:
        for _attempt in range(5):  # another test's late event may move the read model meanwhile: try again
            before = [tuple(r) for r in await db.fetch(GENERATIONS)]
            first = (await gql(http, TOTAL, {"district": "110111"}, viewer))["data"]["dashboard"]["youth"]["total"]
            await db.execute(bump, 1000)  # a change behind the projections' back: no checkpoint moves
            again = (await gql(http, TOTAL, {"district": "110111"}, viewer))["data"]["dashboard"]["youth"]["total"]
            if [tuple(r) for r in await db.fetch(GENERATIONS)] == before:
                break
            await db.execute(bump, -1000)
        else:
            pytest.fail("the read model kept changing")
        assert again == first  # served from memory: the read model's generation did not move
        # a projection commits (the registration): the figure is computed again, and includes both changes
        pos = (await register(http, token, "110111"))["position"]
        after = (await gql(http, TOTAL, {"pos": pos, "district": "110111"}, viewer))["data"]["dashboard"]["youth"]
        assert after["total"] == first + 1000 + 1
    finally:
        await db.execute(bump, -1000)
        await db.close()
