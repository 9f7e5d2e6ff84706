"""Issue 15, registry reads: lookups by mobile or ID number (operators only, audited when nothing is found,
limited per caller with 429 + Retry-After) and bulk reads (over the hourly allowance: audited as BULK_READ and
counted in xq.registry.bulk_reads), on real PostgreSQL."""
from __future__ import annotations

import re
from urllib.parse import quote

import pytest

from tests.registry_support import person
from tests.support import bearer, service_db

LOOKUPS_PER_MINUTE = 3
PEOPLE_PER_HOUR = 5


@pytest.fixture(scope="module")
def settings(settings):
    return settings.model_copy(update={"registry_lookups_per_minute": LOOKUPS_PER_MINUTE,
                                       "registry_bulk_read_per_hour": PEOPLE_PER_HOUR})


async def audit_rows(settings, actor: str) -> list:
    async with service_db(settings, "registry") as conn:
        return await conn.fetch("SELECT action, youth_id, fields, purpose FROM audit WHERE actor = $1 ORDER BY id", actor)


@pytest.mark.parametrize("role", ["branch_secretary", "station_staff", "department_viewer"])
async def test_lookup_by_identifier_is_for_operators_only(registry, token, role):
    for by in ({"mobile": "13700000001"}, {"idNumber": "110105200103040011"}):
        answer = await registry.post("/youth:search", json=by, headers=bearer(token(role, "110105")))
        assert answer.status_code == 403 and answer.json()["code"] == "FORBIDDEN", answer.text


async def test_a_lookup_that_finds_nobody_is_audited(registry, settings, token):
    op = token("registry_operator", subject="op-probe")
    answer = await registry.post("/youth:search", json={"mobile": "13799999999", "purpose": "核对"}, headers=bearer(op))
    assert answer.status_code == 200 and answer.json()["items"] == []
    [row] = await audit_rows(settings, "op-probe")
    assert (row["action"], row["youth_id"]) == ("LOOKUP", None) and "by:mobile" in row["fields"]


async def test_lookups_are_limited_per_caller_with_retry_after(registry, settings, token):
    known = person()
    assert (await registry.post("/youth", json=known, headers=bearer(token()))).status_code in (200, 201)
    op = bearer(token("registry_operator", subject="op-busy"))
    for i in range(LOOKUPS_PER_MINUTE):
        mobile = known["mobile"] if i == 0 else f"1379999000{i}"
        assert (await registry.post("/youth:search", json={"mobile": mobile}, headers=op)).status_code == 200
    refused = await registry.post("/youth:search", json={"mobile": known["mobile"]}, headers=op)
    assert refused.status_code == 429 and refused.json()["code"] == "RATE_LIMITED", refused.text
    assert 1 <= int(refused.headers["retry-after"]) <= 60
    assert str(LOOKUPS_PER_MINUTE) in refused.json()["message"] and known["mobile"] not in refused.text
    # Searching without an identifier is not a lookup; another caller has its own allowance.
    assert (await registry.post("/youth:search", json={}, headers=op)).status_code == 200
    other = bearer(token("registry_operator", subject="op-calm"))
    assert (await registry.post("/youth:search", json={"mobile": known["mobile"]}, headers=other)).status_code == 200
    actions = [r["action"] for r in await audit_rows(settings, "op-busy")]
    assert actions.count("LOOKUP") == LOOKUPS_PER_MINUTE  # the refused one read nothing


async def test_listing_many_people_is_audited_as_a_bulk_read_and_counted(registry, settings, token):
    admin = bearer(token())
    for _ in range(4):
        assert (await registry.post("/youth", json=person(district="110108"), headers=admin)).status_code in (200, 201)
    reader = bearer(token("registry_operator", "110108", subject="op-lister"))
    before = await bulk_reads(registry)
    first = await registry.post("/youth:search", json={"first": 3}, headers=reader)
    assert len(first.json()["items"]) == 3
    second = await registry.post("/youth:search", json={"first": 3}, headers=reader)  # 6 people > 5 an hour
    assert second.status_code == 200 and len(second.json()["items"]) == 3  # still answered: audited, not refused
    actions = [r["action"] for r in await audit_rows(settings, "op-lister")]
    assert actions == ["SEARCH"] * 3 + ["BULK_READ"] * 3
    assert await bulk_reads(registry) == before + 1


async def bulk_reads(registry) -> float:
    text = (await registry.get("/metrics")).text
    return sum(float(v) for v in re.findall(r"^xq_registry_bulk_reads_total\{[^}]*\} (\S+)$", text, re.M))


async def test_purpose_comes_in_a_header_and_a_purpose_in_the_url_is_refused(registry, settings, token):
    youth_id = (await registry.post("/youth", json=person(), headers=bearer(token()))).json()["id"]
    reader = bearer(token("registry_operator", subject="op-purpose"))
    in_url = await registry.get(f"/youth/{youth_id}", params={"purpose": "受理张三的查询"}, headers=reader)
    assert in_url.status_code == 422 and in_url.json()["errors"][0]["field"] == "purpose", in_url.text
    read = await registry.get(f"/youth/{youth_id}", headers={**reader, "X-Purpose": quote("受理张三的查询")})
    assert read.status_code == 200, read.text
    assert [r["purpose"] for r in await audit_rows(settings, "op-purpose")] == ["受理张三的查询"]
    control = await registry.get(f"/youth/{youth_id}", headers={**reader, "X-Purpose": quote("a\u0007b")})
    assert control.status_code == 422
