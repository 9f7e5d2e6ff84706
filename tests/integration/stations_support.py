"""GraphQL helpers shared by the stations integration tests."""
from __future__ import annotations

from tests.support import bearer


async def gql(client, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = bearer(token) if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


async def ok(client, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    result = await gql(client, query, variables, token)
    assert "errors" not in result, result
    return result["data"]


async def caught_up(client, token: str, positions: list[str]) -> None:
    """Read-your-writes for several writes: wait until the read models hold every position."""
    for position in positions:
        await ok(client, "query($p: String) { dashboard(minPosition: $p) { district } }", {"p": position}, token)


CREATE_STATION = """
mutation($input: CreateStationInput!) { createStation(input: $input) { id version position } }"""
RECORD = """
mutation($station: ID!, $records: [ServiceRecordInput!]!) {
  recordServices(stationId: $station, records: $records) { accepted duplicates anonymised position } }"""


def station_input(name: str, lat: float, lon: float, *, district: str = "110105", kind: str = "RIDER_REFUEL",
                  services: tuple[str, ...] = ("REST", "HEALTH_CHECK")) -> dict:
    return {"kind": kind, "name": name, "district": district, "address": f"{name}地址", "lat": lat, "lon": lon,
            "operator": "TRADE_UNION", "openingHours": "每天 9:00–21:00", "services": list(services)}


async def create_station(client, token: str, name: str, lat: float, lon: float, **kwargs) -> dict:
    data = await ok(client, CREATE_STATION, {"input": station_input(name, lat, lon, **kwargs)}, token)
    return data["createStation"]


REGISTER_YOUTH = """
mutation($input: RegisterYouthInput!) { registerYouth(input: $input) { id position } }"""


async def register_youth(gateway, stations, token: str, mobile: str, consents=("REGISTRATION", "SERVICE_RECORDS")) -> str:
    """A youth registered in the registry, and known to the stations service (its projection caught up)."""
    data = await ok(gateway, REGISTER_YOUTH, {"input": {
        "name": "测试青年", "gender": "MALE", "birthDate": "2000-01-01", "mobile": mobile, "district": "110105",
        "youthType": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER", "consents": list(consents)}}, token)
    runner = stations.app.state.runtime.projections["stations.youth"]
    assert await runner.wait_for(data["registerYouth"]["position"], 30), "stations never heard of the youth"
    return data["registerYouth"]["id"]
