"""Erasure (PIPL Art. 47) end to end: after `eraseYouth`, no personal field of that person can be read in
the event store, on Kafka, in any table of the registry or the gateway, in exports, logs or spans."""
from __future__ import annotations

import logging
from datetime import date

import asyncpg
import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from chassis.tracing import setup_tracing
from chassis.vault import event_place
from services.partners.app import create_app as create_partners
from tests.registry_support import DASHBOARD, REGISTER, YOUTH, data, gql, id_number, mobile, person, register
from tests.support import CapturedLogs, bearer, keys_left, raw_records, running

NAME, WECHAT, EMPLOYER = "欧阳娜娜", "erase_me_wx", "删除测试文化传媒有限公司"


async def dump_database(settings, service: str) -> str:
    """Every row of every table, as text (bytea as hex)."""
    conn = await asyncpg.connect(settings.database_url(settings.database(service)))
    try:
        tables = [r["table_name"] for r in await conn.fetch(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")]
        parts = [await conn.fetchval(f"SELECT coalesce(string_agg(t::text, E'\\n'), '') FROM {t} t") for t in tables]
        return "\n".join(parts)
    finally:
        await conn.close()


def secrets_in(text: str, secrets: list[str]) -> list[str]:
    return [s for s in secrets if s in text or s.encode().hex() in text]


async def test_erasure_leaves_no_readable_personal_field_anywhere(gateway, registry, settings, token):
    spans = InMemorySpanExporter()
    setup_tracing("test", None, [SimpleSpanProcessor(spans)])
    logs = CapturedLogs()
    logging.getLogger().addHandler(logs)
    op = token("registry_operator", subject="op-erase")
    idn = id_number(date(1996, 5, 17), "FEMALE")
    mob = mobile()
    try:
        created = await register(gateway, op, name=NAME, gender="FEMALE", birthDate="1996-05-17", mobile=mob,
                                 idNumber=idn, wechat=WECHAT, employer=EMPLOYER, district="110116")
        yid = created["id"]
        new_mobile = mobile()
        await gql(gateway, f"""mutation {{ updateYouthProfile(id: "{yid}", input: {{mobile: "{new_mobile}"}}) {{
            version }} }}""", token=op)
        await gql(gateway, YOUTH, {"id": yid, "reveal": True}, token=op)
        await gql(gateway, f'mutation {{ exportYouth(id: "{yid}") }}', token=op)
        await gql(gateway, f"query {{ youths(filter: {{mobile: \"{new_mobile}\"}}) {{ nodes {{ name }} }} }}", token=op)
        before = data(await gql(gateway, DASHBOARD, {"pos": created["position"]}, token=token("department_viewer", "110116")))
        erase = f'mutation {{ eraseYouth(id: "{yid}", purpose: "本人申请") {{ version position }} }}'
        erased = data(await gql(gateway, erase, token=op))["eraseYouth"]
        after = data(await gql(gateway, DASHBOARD, {"pos": erased["position"]}, token=token("department_viewer",
                                                                                            "110116")))
    finally:
        logging.getLogger().removeHandler(logs)
    secrets = [NAME, WECHAT, EMPLOYER, idn, mob, new_mobile, "+86" + mob, "+86" + new_mobile, "1996-05-17"]
    # dates derived from the birth date are the birth date in disguise: the 14th birthday, the 29th, and the
    # last day of league age (the day before the 29th) must not be readable either
    derived = ["2010-05-17", "2025-05-17", "2025-05-16", "20100517", "20250517", "20250516"]
    subject = f"youth-{yid}"

    # the dashboard stops counting the person (docs/REGISTRY.md: erased people are removed from the counts)
    assert after["dashboard"]["youth"]["total"] == before["dashboard"]["youth"]["total"] - 1

    # event store: nothing in clear, and the sealed parts can no longer be opened
    conn = await asyncpg.connect(settings.database_url(settings.database("registry")))
    try:
        rows = await conn.fetch("SELECT data::text AS data, sealed, event_type, event_id FROM events WHERE stream_id = $1 "
                                "ORDER BY version",
                                subject)
        vault = registry.app.state.runtime.deps.vault
        assert [await vault.unseal(conn, subject, r["sealed"], event_place(r["event_type"], r["event_id"]))
                for r in rows if r["sealed"]] == [None, None]
        assert await keys_left(settings, [subject]) == 0
        assert await conn.fetchval("SELECT count(*) FROM youth_index WHERE youth_id = $1", yid) == 0
        assert await conn.fetchval("SELECT count(*) FROM youth_identifiers WHERE youth_id = $1", yid) == 0
        assert len(rows) == 3 and "erased.v1" in (await conn.fetchval(
            "SELECT event_type FROM events WHERE stream_id = $1 AND version = 3", subject))
    finally:
        await conn.close()
    registry_dump = await dump_database(settings, "registry")
    assert secrets_in(registry_dump, secrets) == []
    assert secrets_in(registry_dump, derived) == []  # the index row that held the league-age end is gone

    # Kafka: keys, headers and values of every record on the topic
    records = await raw_records(settings, settings.topic("xq.registry.youth"), expect=3)
    raw = b"".join((r.key or b"") + (r.value or b"") + b"".join(v for _, v in r.headers) for r in records)
    assert [s for s in secrets + derived if s.encode() in raw] == []
    assert any(b"erased.v1" in b"".join(v for _, v in r.headers) for r in records)

    # the gateway's read models keep nothing of the person, not even the pseudonymous id
    gateway_dump = await dump_database(settings, "gateway")
    assert secrets_in(gateway_dump, secrets) == [] and yid not in gateway_dump.replace(subject, "")

    # reads and exports answer without personal fields
    profile = data(await gql(gateway, YOUTH, {"id": yid, "reveal": True}, token=op))["youth"]
    assert profile["status"] == "ERASED"
    assert all(profile[k] is None for k in ("name", "mobile", "idNumber", "birthDate", "wechat", "employer"))
    export = (await registry.get(f"/youth/{yid}/export", headers=bearer(op))).json()
    assert export["status"] == "ERASED" and secrets_in(str(export), secrets) == []

    # logs and spans never carried the values
    assert secrets_in("\n".join(logs.lines), secrets) == []
    span_text = "\n".join(repr(s.attributes) + s.name for s in spans.get_finished_spans())
    assert span_text and secrets_in(span_text, secrets) == []

    # the identifiers are free again, and erasing twice is refused
    again = await gql(gateway, REGISTER, {"input": person(mobile=mob)}, token=op)
    assert "errors" not in again, again
    twice = await gql(gateway, f'mutation {{ eraseYouth(id: "{yid}") {{ version }} }}', token=op)
    assert twice["errors"][0]["extensions"]["code"] == "RULE_VIOLATED"


@pytest.fixture(scope="module")
async def partners(settings, registry):
    """The partner publisher in-process: what agencies receive must not outlive an erasure either."""
    async with running(create_partners(settings)) as client:
        yield client


async def every_record(settings, topic: str) -> bytes:
    """Keys, headers and values of every record on `topic` (read until nothing more comes)."""
    records = await raw_records(settings, settings.topic(topic), expect=10**9, timeout=5)
    return b"".join((r.key or b"") + (r.value or b"") + b"".join(v for _, v in r.headers) for r in records)


async def test_erasing_a_survivor_erases_the_records_merged_into_it(gateway, registry, partners, settings, token):
    """Issue 14: a merged record kept its own key, so erasing the survivor left the duplicate's name, mobile and
    ID number readable. Erasing either record erases every record merged into the same person."""
    logs = CapturedLogs()
    logging.getLogger().addHandler(logs)
    op = token("registry_operator", subject="op-erase-merged")
    name, idn = "司马相如", id_number(date(1995, 3, 9), "MALE")
    first_mobile, second_mobile = mobile(), mobile()
    share = ["REGISTRATION", "SHARE_WITH_AGENCY_HRSS"]
    try:
        survivor = (await register(gateway, op, name=name, birthDate="1995-03-09", mobile=first_mobile,
                                   consents=share, district="110116"))["id"]
        duplicate = (await register(gateway, op, name=name, birthDate="1995-03-09", mobile=second_mobile,
                                    idNumber=idn, wechat=WECHAT, consents=share, district="110116"))["id"]
        merged = data(await gql(gateway, """mutation M($a: ID!, $b: ID!) { mergeYouth(youthId: $a, otherYouthId: $b)
            { id } }""", {"a": duplicate, "b": survivor}, token=op))["mergeYouth"]
        assert merged["id"] == duplicate
        data(await gql(gateway, f'mutation {{ eraseYouth(id: "{survivor}") {{ version }} }}', token=op))
    finally:
        logging.getLogger().removeHandler(logs)
    secrets = [name, WECHAT, idn, first_mobile, second_mobile, "+86" + first_mobile, "+86" + second_mobile,
               "1995-03-09", "2009-03-09", "2024-03-09", "2024-03-08"]

    # reads and exports of either id answer without personal fields
    for yid in (survivor, duplicate):
        profile = data(await gql(gateway, YOUTH, {"id": yid, "reveal": True}, token=op))["youth"]
        assert profile["status"] == "ERASED", profile
        assert all(profile[k] is None for k in ("name", "mobile", "idNumber", "birthDate", "wechat", "employer"))
        read = (await registry.get(f"/youth/{yid}?reveal=idNumber", headers=bearer(op))).json()
        export = (await registry.get(f"/youth/{yid}/export", headers=bearer(op))).json()
        assert secrets_in(str(read) + str(export), secrets) == []

    # the store: neither key is left, no sealed part opens, no index row or identifier remains
    conn = await asyncpg.connect(settings.database_url(settings.database("registry")))
    try:
        vault = registry.app.state.runtime.deps.vault
        for yid in (survivor, duplicate):
            subject = f"youth-{yid}"
            sealed = await conn.fetch("SELECT sealed, event_type, event_id FROM events "
                                  "WHERE stream_id = $1 AND sealed IS NOT NULL", subject)
            assert sealed and [await vault.unseal(conn, subject, r["sealed"], event_place(r["event_type"], r["event_id"]))
                           for r in sealed] == [None] * len(sealed)
            assert await keys_left(settings, [subject]) == 0
            assert await conn.fetchval("SELECT count(*) FROM youth_index WHERE youth_id = $1", yid) == 0
            assert await conn.fetchval("SELECT count(*) FROM youth_identifiers WHERE youth_id = $1", yid) == 0
    finally:
        await conn.close()
    for service in ("registry", "gateway", "partners"):
        assert secrets_in(await dump_database(settings, service), secrets) == [], service

    # Kafka: the registry's topic and the agency's partner topic
    for topic in ("xq.registry.youth", "partner.hrss.youth"):
        raw = await every_record(settings, topic)
        assert raw and [s for s in secrets if s.encode() in raw] == [], topic

    # logs never carried the values; and the identifiers of both records are free again
    assert secrets_in("\n".join(logs.lines), secrets) == []
    for number in (first_mobile, second_mobile):
        again = await gql(gateway, REGISTER, {"input": person(mobile=number)}, token=op)
        assert "errors" not in again, again


async def test_erasing_a_merged_record_erases_its_survivor_and_every_other_duplicate(registry, settings, token):
    """The other direction, through a chain: c merged into b, then b into a; erasing c erases all three."""
    op = bearer(token("registry_operator"))
    a, b, c = [(await registry.post("/youth", json=person(), headers=op)).json()["id"] for _ in range(3)]
    for gone, kept in ((c, b), (b, a)):
        merged = await registry.post("/youth:merge", json={"youthId": gone, "otherYouthId": kept}, headers=op)
        assert merged.json()["id"] == gone, merged.text
    erased = await registry.post(f"/youth/{c}/erase", headers=op)
    assert erased.status_code == 200, erased.text
    for yid in (a, b, c):
        profile = (await registry.get(f"/youth/{yid}", headers=op)).json()
        assert profile["status"] == "ERASED" and "name" not in profile and "mobile" not in profile
    conn = await asyncpg.connect(settings.database_url(settings.database("registry")))
    try:
        assert await keys_left(settings, [f"youth-{y}" for y in (a, b, c)]) == 0
    finally:
        await conn.close()
    twice = await registry.post(f"/youth/{a}/erase", headers=op)
    assert twice.status_code == 409 and twice.json()["rule"] == "already_erased"
