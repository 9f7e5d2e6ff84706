"""Helpers for registry tests: valid ID numbers, GraphQL calls, people to register."""
from __future__ import annotations

import itertools
from datetime import date

from services.registry.identity import id_check_char
from tests.support import bearer

_serial = itertools.count(100)


def id_number(birth: date, gender: str = "MALE", area: str = "110105") -> str:
    """A valid GB 11643 number for `birth`; each call a new sequence number."""
    n = next(_serial) % 500
    seq = f"{n * 2 + (1 if gender == 'MALE' else 0):03d}"[-3:]
    first17 = f"{area}{birth:%Y%m%d}{seq}"
    return first17 + id_check_char(first17)


_mobiles = itertools.count(10000)


def mobile() -> str:
    return f"1370{next(_mobiles):07d}"


def person(**overrides) -> dict:
    base = {"name": "王小明", "gender": "MALE", "birthDate": "2001-03-04", "mobile": mobile(), "district": "110105",
            "youthType": "NEW_BUSINESS", "subtype": "DELIVERY_RIDER", "consents": ["REGISTRATION"]}
    return {**base, **overrides}


async def gql(client, query: str, variables: dict | None = None, token: str | None = None) -> dict:
    headers = bearer(token) if token else {}
    response = await client.post("/graphql", json={"query": query, "variables": variables or {}}, headers=headers)
    assert response.status_code == 200, response.text
    return response.json()


def data(result: dict) -> dict:
    assert "errors" not in result, result
    return result["data"]


def code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


def refusal(result: dict) -> tuple:
    """A refused request's (code, rule, message): the first error's."""
    error = result["errors"][0]
    return error["extensions"]["code"], error["extensions"].get("rule"), error["message"]


def fields_named(result: dict) -> set[str]:
    """The fields a VALIDATION refusal names."""
    return {e.get("field") for e in result["errors"][0]["extensions"].get("errors", [])}


REGISTER = "mutation R($input: RegisterYouthInput!) { registerYouth(input: $input) { id version position } }"
DASHBOARD = "query D($pos: String) { dashboard(minPosition: $pos) { youth { total byDistrict { district count } } } }"
YOUTH = """query Y($id: ID!, $reveal: Boolean! = false) { youth(id: $id, revealIdNumber: $reveal) {
  id status district subtype version name gender birthDate mobile idNumber wechat employer employerKind education
  needs consents { purpose noticeVersion channel givenOn } mergedInto } }"""


async def register(gateway, token, **overrides) -> dict:
    return data(await gql(gateway, REGISTER, {"input": person(**overrides)}, token=token))["registerYouth"]


async def published(settings, subject: str, version: int, timeout: float = 30):
    """The event `subject`@`version` as read back from the registry's topic (waits until it is there)."""
    import time

    from tests.support import read_topic

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = await read_topic(settings, settings.topic("xq.registry.youth"), expect=10**9,
                                  timeout=2)
        found = [e for e in events if e.subject == subject and e.stream_version == version]
        if found:
            return found[0]
    raise AssertionError(f"{subject}@{version} was not published within {timeout} s")
