"""Issue 15: GraphQL ids are checked before they become part of a service URL, and `purpose` never travels in
a query string. The gateway runs for real (its database, its limits); the services behind it are replaced by a
recorder of the requests that reach them, because what is tested is which requests leave the gateway."""
from __future__ import annotations

import uuid
from urllib.parse import unquote

import httpx
import pytest

from gateway.app import create_app as create_gateway
from gateway.clients import ServiceClient
from tests.registry_support import code, gql
from tests.support import running

YOUTH_ID = str(uuid.uuid4())


@pytest.fixture(scope="module")
async def gateway_and_sent(settings):
    sent: list[httpx.Request] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(404, json={"code": "NOT_FOUND", "message": "未找到"})

    async with running(create_gateway(settings)) as client:
        clients = client.app.state.runtime.deps.clients
        for name in ("registry", "branches", "stations"):
            clients[name] = ServiceClient(name, f"http://{name}", transport=httpx.MockTransport(answer))
        yield client, sent


@pytest.fixture
def gateway(gateway_and_sent):
    gateway_and_sent[1].clear()
    return gateway_and_sent[0]


@pytest.fixture
def sent(gateway_and_sent):
    return gateway_and_sent[1]


@pytest.mark.parametrize("document, variables", [
    ('{ youth(id: "@Y/export") { id } }', None),
    ("query Y($id: ID!) { youth(id: $id) { id } }", {"id": f"{YOUTH_ID}/export"}),
    ("query Y($id: ID!) { youth(id: $id) { id } }", {"id": "../audit"}),
    ("query Y($id: ID!) { youth(id: $id) { id } }", {"id": f"{YOUTH_ID}?purpose=x"}),
    ("mutation E($id: ID!) { exportYouth(id: $id) }", {"id": f"{YOUTH_ID}/../../audit"}),
    ('mutation A($a: [ID!]!) { recordAttendance(meetingId: "@Y", attendees: $a) { id } }',
     {"a": [YOUTH_ID, "x/y"]}),
    ('mutation { completeMilestone(measureId: "M01/milestones", milestoneId: "@Y") { id } }', None),
    ("query Y($id: ID! = \"not-a-uuid\") { youth(id: $id) { id } }", None),
    ("query Y($id: ID!) { ...F } fragment F on Query { youth(id: $id) { id } }", {"id": "1"}),
])
async def test_a_bad_id_is_validation_and_reaches_no_service(gateway, sent, token, document, variables):
    result = await gql(gateway, document.replace("@Y", YOUTH_ID), variables, token=token())
    assert code(result) == "VALIDATION" and result["errors"][0]["extensions"]["rule"] == "id", result
    assert result["data"] is None
    assert sent == []


async def test_good_ids_go_through_to_their_service(gateway, sent, token):
    await gql(gateway, "query Y($id: ID!) { youth(id: $id) { id } }", {"id": YOUTH_ID}, token=token())
    await gql(gateway, 'mutation { completeMilestone(measureId: "M01", milestoneId: "@Y") { id } }'.replace(
        "@Y", YOUTH_ID), token=token())
    assert [r.url.path for r in sent] == [f"/youth/{YOUTH_ID}", f"/measures/M01/milestones/{YOUTH_ID}/complete"]


async def test_purpose_travels_in_a_header_never_in_the_url(gateway, sent, token):
    """`purpose` may name a person ("受理张三的投诉"); URLs reach spans and access logs."""
    purpose = "受理张三的查询"
    await gql(gateway, "query Y($id: ID!, $p: String) { youth(id: $id, purpose: $p, revealIdNumber: true) { id } }",
              {"id": YOUTH_ID, "p": purpose}, token=token())
    await gql(gateway, "mutation E($id: ID!, $p: String) { exportYouth(id: $id, purpose: $p) }",
              {"id": YOUTH_ID, "p": purpose}, token=token())
    await gql(gateway, 'query { caseSummary(caseId: "@Y", purpose: "跟进调解") { summary } }'.replace("@Y", YOUTH_ID),
              token=token())
    assert len(sent) == 3
    for request in sent:
        assert "purpose" not in str(request.url) and request.headers["x-purpose"]
    assert unquote(sent[0].headers["x-purpose"]) == purpose and sent[0].url.params["reveal"] == "idNumber"
