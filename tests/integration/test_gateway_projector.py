"""The gateway in two processes (`run_projections`): a reader answers GraphQL and applies no events, a
projector of the same app applies them. Both on the real PostgreSQL and Kafka; the reader's answers stay
exact: read-your-writes waits for the projector's commit, and its live subscribers hear of that commit."""
from __future__ import annotations

import json

import httpx
import pytest

from gateway.app import create_app as create_gateway
from tests.integration.test_gateway_api import (
    REGISTER,
    TOTAL,
    gql,
    mobile,
    next_message,
    served_gateway,
    ws_connect,
    youth_input,
)
from tests.support import running

DISTRICT = "110109"  # 门头沟: the tests below count its youth before and after


@pytest.fixture(scope="module")
async def projector(settings):
    async with running(create_gateway(settings)) as client:
        yield client.app


@pytest.fixture(scope="module")
async def reader(settings, registry, projector):
    async with served_gateway(settings.model_copy(update={"run_projections": False}), registry) as app:
        yield app


@pytest.fixture(scope="module")
async def http(reader):
    async with httpx.AsyncClient(base_url=reader.base_url, timeout=30) as client:
        yield client


async def register(http, token) -> str:
    result = await gql(http, REGISTER, {"input": youth_input(mobile(), DISTRICT)}, token("registry_operator"))
    assert "errors" not in result, result
    return result["data"]["registerYouth"]["position"]


async def total(http, token, position: str | None = None) -> int:
    result = await gql(http, TOTAL, {"pos": position, "district": DISTRICT}, token("department_viewer"))
    assert "errors" not in result, result
    return result["data"]["dashboard"]["youth"]["total"]


async def test_the_reader_applies_nothing_and_reads_its_writes_from_the_projector(http, token, reader, projector):
    assert not any(r.applies_here for r in reader.state.runtime.projections.values())
    assert all(r.applies_here for r in projector.state.runtime.projections.values())
    before = await total(http, token)
    position = await register(http, token)
    assert await total(http, token, position) == before + 1  # waited for the projector's commit
    assert sum(r.applied for r in reader.state.runtime.projections.values()) == 0


async def test_a_live_subscriber_of_the_reader_hears_of_the_projectors_commit(http, token, reader):
    ws = await ws_connect(reader.base_url, token("department_viewer", district=DISTRICT))
    try:
        assert (await next_message(ws))["type"] == "connection_ack"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {
            "query": "subscription { dashboardUpdated { youth { total } } }"}}))
        first = await next_message(ws)
        before = first["payload"]["data"]["dashboardUpdated"]["youth"]["total"]
        await register(http, token)
        while True:  # other projections' commits may tick first
            update = await next_message(ws, timeout=20)
            assert update["type"] == "next", update
            if update["payload"]["data"]["dashboardUpdated"]["youth"]["total"] == before + 1:
                break
    finally:
        await ws.close()
