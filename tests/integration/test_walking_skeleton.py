"""The first slice end to end on real PostgreSQL and Kafka: GraphQL → registry → store → outbox →
Kafka → gateway projection → dashboard."""
from __future__ import annotations

from tests.support import bearer, read_topic, service_db

REGISTER = """
mutation Register($input: RegisterYouthInput!) { registerYouth(input: $input) { id version position } }
"""
DASHBOARD = """
query Dash($pos: String) { dashboard(minPosition: $pos) { youth { total byType { type count } byDistrict { district count } } } }
"""


def youth_input(**overrides) -> dict:
    base = {"name": "王小明", "gender": "MALE", "birthDate": "2001-03-04", "mobile": "+8613800138000",
            "district": "110105", "youthType": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER",
            "consents": ["REGISTRATION"]}
    return {**base, **overrides}


async def gql(client, query, variables=None, token=None):
    headers = bearer(token) if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def test_register_through_graphql_is_counted_on_the_dashboard_and_published(gateway, settings, token):
    before = await gql(gateway, DASHBOARD, token=token("department_viewer"))
    total_before = before["data"]["dashboard"]["youth"]["total"]

    result = await gql(gateway, REGISTER, {"input": youth_input(mobile="13900000001")}, token=token("registry_operator"))
    assert "errors" not in result, result
    registered = result["data"]["registerYouth"]
    assert registered["version"] == 1 and registered["position"].endswith("@1")

    after = await gql(gateway, DASHBOARD, {"pos": registered["position"]}, token=token("department_viewer"))
    youth = after["data"]["dashboard"]["youth"]
    assert youth["total"] == total_before + 1
    assert {"type": "NEW_BUSINESS", "count": 1} in youth["byType"] or any(
        t["type"] == "NEW_BUSINESS" and t["count"] >= 1 for t in youth["byType"])

    events = await read_topic(settings, settings.topic("xq.registry.youth"), expect=1)
    mine = [e for e in events if e.data["youth_id"] == registered["id"]]
    assert len(mine) == 1
    event = mine[0]
    assert event.type == "xq.registry.youth.registered.v1"
    assert event.subject == f"youth-{registered['id']}" and event.stream_version == 1
    assert event.data["district"] == "110105" and event.data["subtype"] == "DELIVERY_RIDER"
    assert event.traceparent  # trace context travels with the event


async def test_personal_fields_never_reach_kafka_or_the_events_table_in_plaintext(gateway, settings, token):
    result = await gql(gateway, REGISTER, {"input": youth_input(name="李思思", mobile="13900000002",
                                                                 gender="FEMALE", subtype="COURIER")},
                       token=token("registry_operator"))
    youth_id = result["data"]["registerYouth"]["id"]
    events = await read_topic(settings, settings.topic("xq.registry.youth"), expect=2)
    raw = b"".join(e.kafka_value() + b"".join(v for _, v in e.kafka_headers()) for e in events)
    for secret in ("李思思", "13900000002", "2001-03-04"):
        assert secret.encode() not in raw
    async with service_db(settings, "registry") as conn:
        dump = await conn.fetchval("SELECT string_agg(data::text || coalesce(encode(sealed, 'escape'), ''), '') "
                                   "FROM events WHERE stream_id = $1", f"youth-{youth_id}")
        sealed = await conn.fetchval("SELECT sealed FROM events WHERE stream_id = $1", f"youth-{youth_id}")
    assert "李思思" not in dump and "13900000002" not in dump
    assert sealed is not None and len(sealed) > 20  # the personal part is there, encrypted


async def test_mutation_without_token_is_unauthenticated_and_stores_nothing(gateway, settings, token):
    result = await gql(gateway, REGISTER, {"input": youth_input(mobile="13900000003")})
    assert result["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert result["data"] is None
    async with service_db(settings, "registry") as conn:
        assert await conn.fetchval("SELECT count(*) FROM youth_identifiers") == 2  # the two earlier tests only


async def test_bad_input_names_the_field_and_stores_nothing(gateway, settings, token):
    cases = {
        "mobile": youth_input(mobile="12345"),
        "birthDate": youth_input(birthDate="2015-01-01"),
        "district": youth_input(district="310101"),
        "subtype": youth_input(subtype="STREAMER"),
        "consents": youth_input(consents=[]),
    }
    for field, data in cases.items():
        result = await gql(gateway, REGISTER, {"input": data}, token=token("registry_operator"))
        error = result["errors"][0]
        assert error["extensions"]["code"] == "VALIDATION", (field, error)
        assert error["extensions"]["field"] == field, (field, error)
    # GraphQL's own type checks: unknown enum value, unknown input field
    unknown = await gql(gateway, REGISTER, {"input": youth_input(youthType="ASTRONAUT")}, token=token("admin"))
    assert unknown["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert "youthType" in unknown["errors"][0]["message"]
    extra = await gql(gateway, REGISTER, {"input": {**youth_input(), "shoeSize": 42}}, token=token("admin"))
    assert extra["errors"][0]["extensions"]["code"] == "VALIDATION" and "shoeSize" in extra["errors"][0]["message"]
    async with service_db(settings, "registry") as conn:
        assert await conn.fetchval("SELECT count(*) FROM events") == 2
        assert await conn.fetchval("SELECT count(*) FROM outbox") == 0
