"""Partner topics on a real broker with SASL/SCRAM and ACLs, read by real clients (kcat, aiokafka).

The module runs its own broker with a PARTNERS listener where each agency logs in with SCRAM-SHA-512 (the
services log in on the internal listener, each as its own principal, as on the session's broker). Registry
events follow the agreed contract, appended with the chassis event store into a registry-like database
and published by the chassis relay; the partner publisher (the real app) turns them into partner
messages that agencies read with kcat (Debian's) and the CloudEvents Python SDK.
"""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from cloudevents.core.bindings.kafka import KafkaMessage, from_binary_event

from chassis.kafka_login import admin_login
from contracts import agencies
from contracts.partners import PartnerYouthMessages as Msg
from services.partners import asyncapi
from services.partners import domain as d
from services.partners.app import create_app as create_partners
from tests.integration import registry_contract as rc
from tests.integration.secured_broker import secured_broker
from tests.support import eventually, librdkafka_env, raw_records, running
from xinqing.kafka_acls import agency_user

ROOT = Path(__file__).resolve().parents[2]
PERSONAL = {"name": "王小明", "mobile": "+8613800138000", "id_number": "11010520010304002X"}


@pytest.fixture(scope="module")
def broker(settings, infra, tmp_path_factory, rdkafka):
    with secured_broker(settings, infra, tmp_path_factory.mktemp("secured-kafka"), "kafka-secured") as secured:
        secured.rdkafka = rdkafka
        yield secured


@pytest.fixture(scope="module")
def psettings(broker):
    return broker.settings  # the module's namespace, on the secured broker's internal listener


@pytest.fixture(scope="module")
async def registry_pool(psettings):
    async with rc.registry_database(psettings) as pool:
        yield pool


@pytest.fixture(scope="module")
async def partners(psettings, registry_pool):
    async with running(create_partners(psettings)) as client:
        yield client


def topic(psettings, agency: str) -> str:
    return psettings.topic(f"partner.{agency}.youth")


async def append(pool, settings, youth_id: str, *events):
    stream = f"youth-{youth_id}"
    async with pool.acquire() as conn, conn.transaction():
        version = await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream)
        return await rc.store(settings).append(conn, stream, version, list(events))


@pytest.fixture(scope="module")
def rdkafka(tmp_path_factory) -> dict[str, str]:
    """kcat's environment: a librdkafka whose SCRAM Kafka 4 accepts (tests/support.py)."""
    return librdkafka_env(tmp_path_factory.mktemp("librdkafka"))


async def kcat(broker, agency: str, password: str, topic_name: str, quiet: bool = True) -> subprocess.CompletedProcess:
    argv = ["kcat", "-C", "-b", broker.sasl, "-X", "security.protocol=SASL_PLAINTEXT",
            "-X", "sasl.mechanisms=SCRAM-SHA-512", "-X", f"sasl.username={agency_user(agency)}",
            "-X", f"sasl.password={password}", "-t", topic_name, "-o", "beginning", "-e", "-J", *(["-q"] if quiet else [])]
    proc = await asyncio.create_subprocess_exec(*argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                                env={**os.environ, **broker.rdkafka})
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    return subprocess.CompletedProcess(argv, proc.returncode, out.decode(), err.decode())


def parse(kcat_json_lines: str) -> list:
    """kcat -J records → CloudEvents (SDK) in offset order per partition, each with its raw record."""
    events = []
    for line in kcat_json_lines.splitlines():
        record = json.loads(line)
        h = record.get("headers") or []
        headers = {h[i]: h[i + 1].encode() for i in range(0, len(h), 2)}
        event = from_binary_event(KafkaMessage(headers=headers, key=(record["key"] or "").encode(),
                                               value=record["payload"].encode()))
        events.append((event, record))
    return events


@pytest.fixture(scope="module")
async def story(psettings, registry_pool, partners):
    """Four people's lives on the registry; returns their youth ids once the publisher has caught up."""
    ids = {k: f"{k.lower()}0c1e5a-1111-4222-8333-{secrets.token_hex(6)}" for k in ("A", "B", "C", "D")}
    hrss, justice = "SHARE_WITH_AGENCY:HRSS", "SHARE_WITH_AGENCY:JUSTICE"

    def registered(who, *consents):
        return rc.Registered(ids[who], "110105", "NEW_BUSINESS", "DELIVERY_RIDER", False, "23-28", "2026-11-01",
                             ["REGISTRATION", *consents], True, **PERSONAL)

    last = []
    last += await append(registry_pool, psettings, ids["A"], registered("A", hrss, justice))
    last += await append(registry_pool, psettings, ids["B"], registered("B"),
                         rc.ConsentGiven(ids["B"], hrss, "v1", "APP", date(2026, 11, 2)))
    last += await append(registry_pool, psettings, ids["A"],
                         rc.ProfileUpdated(ids["A"], ["district", "mobile"], district="110108",
                                           mobile=PERSONAL["mobile"]),
                         rc.ConsentWithdrawn(ids["A"], hrss, date(2026, 11, 20)),
                         rc.ProfileUpdated(ids["A"], ["district"], district="110101"))
    last += await append(registry_pool, psettings, ids["B"], rc.YouthErased(ids["B"], date(2026, 11, 28)))
    last += await append(registry_pool, psettings, ids["C"], registered("C", justice),
                         rc.YouthDeactivated(ids["C"], "REGISTRATION consent withdrawn"))
    last += await append(registry_pool, psettings, ids["D"], registered("D"))  # shares with nobody
    runner = partners.app.state.runtime.projections["partners.publisher"]
    for env in last:
        assert await runner.wait_for(env.position, 60), env.position
    pool = partners.app.state.runtime.pool

    async def outbox_empty() -> bool:
        async with pool.acquire() as conn:
            return await conn.fetchval("SELECT count(*) FROM outbox") == 0
    await eventually(outbox_empty, 60)
    return ids


async def read_agency(broker, psettings, agency: str, expect: int) -> list:
    found: list = []

    async def enough() -> bool:
        nonlocal found
        done = await kcat(broker, agency, broker.passwords[agency], topic(psettings, agency))
        assert done.returncode == 0, done.stderr
        found = parse(done.stdout)
        return len(found) >= expect
    await eventually(enough, 60, interval=0.5)
    return found


def by_subject(events) -> dict[str, list[str]]:
    lives: dict[str, list[str]] = {}
    for event, _ in sorted(events, key=lambda er: int(er[0].get_extension("streamversion"))):
        lives.setdefault(event.get_subject(), []).append(event.get_type())
    return lives


async def test_kcat_reads_the_agency_topic_and_every_message_is_a_valid_cloudevent(broker, psettings, story):
    pseudonyms = d.Pseudonymiser(__import__("chassis.keys", fromlist=["partner_key"]).partner_key(psettings))
    hrss = await read_agency(broker, psettings, "hrss", 5)
    assert len(hrss) == 5
    for event, record in hrss:
        assert event.get_specversion() == "1.0" and event.get_source() == "/xinqing/partners"
        assert event.get_subject() == record["key"]
        assert asyncapi.problems(event.get_type(), event.get_data()) == [], event.get_data()
        assert event.get_data()["subject_id"] == event.get_subject()
    a, b = (pseudonyms.subject("HRSS", story[k]) for k in ("A", "B"))
    assert by_subject(hrss) == {a: [Msg.REGISTERED, Msg.PROFILE_UPDATED, Msg.CONSENT_WITHDRAWN],  # nothing after
                                b: [Msg.REGISTERED, Msg.ERASED]}
    update = next(e for e, _ in hrss if e.get_type() == Msg.PROFILE_UPDATED)
    assert update.get_data() == {"subject_id": a, "changed": ["district"], "district": "110108",
                                 "subtype": "DELIVERY_RIDER", "youth_type": "NEW_BUSINESS"}


async def test_an_event_type_not_in_the_agreement_never_appears(broker, psettings, story):
    justice = await read_agency(broker, psettings, "justice", 3)
    pseudonyms = d.Pseudonymiser(__import__("chassis.keys", fromlist=["partner_key"]).partner_key(psettings))
    a, c = (pseudonyms.subject("JUSTICE", story[k]) for k in ("A", "C"))
    assert by_subject(justice) == {a: [Msg.REGISTERED], c: [Msg.REGISTERED, Msg.CONSENT_WITHDRAWN]}
    assert {e.get_type() for e, _ in justice} <= {Msg.REGISTERED, *d.ENDINGS}  # no profile-updated: not agreed
    assert justice[0][0].get_data().keys() <= {"subject_id", "district", "youth_type"}
    # Pseudonyms are per agency: the same person is a different subject for HRSS.
    assert a != pseudonyms.subject("HRSS", story["A"])


async def test_no_partner_message_carries_personal_data_or_the_internal_youth_id(broker, psettings, story):
    """Scans key, headers and value of every message on every partner topic (read as the trusted internal
    client); the same scan finds the leaked values on the internal topic, so it can fail."""
    forbidden = [*PERSONAL.values(), *story.values()]
    internal = await raw_records(psettings, psettings.topic(rc.TOPIC), expect=10)

    def text(r) -> str:
        return " ".join([(r.key or b"").decode(), *(k + "=" + v.decode() for k, v in r.headers),
                         (r.value or b"").decode("unicode_escape" if b"\\u" in (r.value or b"") else "utf-8")])
    assert any(PERSONAL["name"] in json.loads(r.value).get("name", "") for r in internal)
    assert any(story["A"] in text(r) for r in internal)
    scanned = 0
    for agency in agencies.AGENCIES:
        expect = {"HRSS": 5, "JUSTICE": 3}.get(agency, 0)
        records = await raw_records(psettings, topic(psettings, agency.lower()), expect=expect,
                                    timeout=5 if expect == 0 else 30)
        assert len(records) == expect, agency
        for r in records:
            payload = json.loads(r.value)
            blob = json.dumps(payload, ensure_ascii=False) + text(r)
            assert not [f for f in forbidden if f in blob], (agency, blob)
            assert not set(payload) & {"youth_id", "name", "mobile", "id_number", "birth_date", "league_age",
                                       "consents"}
            scanned += 1
    assert scanned == 8


async def test_agency_credentials_are_refused_on_another_agencys_topic(broker, psettings, story):
    refused = await kcat(broker, "hrss", broker.passwords["hrss"], topic(psettings, "justice"))
    assert refused.returncode != 0 or refused.stdout.strip() == ""
    assert "authoriz" in (refused.stderr + refused.stdout).lower(), refused.stderr
    wrong = await kcat(broker, "justice", "not-the-password", topic(psettings, "justice"), quiet=False)
    assert wrong.returncode != 0 and "authentication" in wrong.stderr.lower(), wrong.stderr
    allowed = await kcat(broker, "justice", broker.passwords["justice"], topic(psettings, "justice"))
    assert allowed.returncode == 0 and len(parse(allowed.stdout)) == 3


async def test_the_documented_python_consumer_reads_the_topic(broker, psettings, story):
    argv = [sys.executable, str(ROOT / "docs" / "examples" / "agency_consumer.py"), "--bootstrap", broker.sasl,
            "--user", "agency-hrss", "--password", broker.passwords["hrss"], "--topic", topic(psettings, "hrss"),
            "--from-beginning", "--until-end"]
    proc = await asyncio.create_subprocess_exec(*argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), 90)
    assert proc.returncode == 0, err.decode()[-2000:]
    lines = [json.loads(line) for line in out.decode().splitlines()]
    assert len(lines) == 5 and {x["type"] for x in lines} == {Msg.REGISTERED, Msg.PROFILE_UPDATED,
                                                              Msg.CONSENT_WITHDRAWN, Msg.ERASED}


async def test_erasure_also_redacts_what_the_publisher_recorded(partners, psettings, story):
    pseudonyms = d.Pseudonymiser(__import__("chassis.keys", fromlist=["partner_key"]).partner_key(psettings))
    b = pseudonyms.subject("HRSS", story["B"])
    async with partners.app.state.runtime.pool.acquire() as conn:
        rows = await conn.fetch("SELECT event_type, data FROM events WHERE stream_id = $1 ORDER BY version", b)
        person = await conn.fetchrow("SELECT * FROM partner_people WHERE youth_id = $1", story["B"])
    assert [(r["event_type"], r["data"]) for r in rows] == [
        (Msg.REGISTERED, {"subject_id": b}), (Msg.ERASED, {"subject_id": b, "erased_on": "2026-11-28"})]
    assert person["erased"] and person["profile"] == {} and person["consents"] == []


async def test_partner_topics_are_compacted_by_subject(psettings, partners):
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    configs: dict = {}

    async def described() -> bool:  # the relay declares the topics as it starts
        nonlocal configs
        admin = AIOKafkaAdminClient(**admin_login(psettings).options())
        await admin.start()
        try:
            answer = await admin.describe_configs([ConfigResource(ConfigResourceType.TOPIC, topic(psettings, "hrss"))])
        finally:
            await admin.close()
        error, _, _, _, entries = answer[0].resources[0]
        configs = {c[0]: c[1] for c in entries}
        return error == 0
    await eventually(described, 30, interval=0.5)
    assert configs["cleanup.policy"] == "compact" and configs["retention.ms"] == "-1"


async def test_a_second_publisher_replica_publishes_nothing_twice(broker, psettings, registry_pool, story):
    """Last in this module (it adds a message). A fresh publisher process joins the same group and starts from
    the database checkpoint: the registry's old events produce nothing new, a new one exactly its messages."""
    async with running(create_partners(psettings)) as second:
        env = await append(registry_pool, psettings, story["A"],
                           rc.ConsentGiven(story["A"], "SHARE_WITH_AGENCY:HRSS", "v2", "APP", date(2026, 11, 29)))
        runner = second.app.state.runtime.projections["partners.publisher"]
        assert await runner.wait_for(env[-1].position, 60)
        hrss = await read_agency(broker, psettings, "hrss", 6)
        await asyncio.sleep(2)  # anything duplicated would arrive now
        hrss = await read_agency(broker, psettings, "hrss", 6)
    assert len(hrss) == 6
    assert len({e.get_id() for e, _ in hrss}) == 6
    pseudonyms = d.Pseudonymiser(__import__("chassis.keys", fromlist=["partner_key"]).partner_key(psettings))
    a = pseudonyms.subject("HRSS", story["A"])
    assert by_subject(hrss)[a] == [Msg.REGISTERED, Msg.PROFILE_UPDATED, Msg.CONSENT_WITHDRAWN, Msg.REGISTERED]
    latest = [e for e, _ in hrss if e.get_subject() == a][-1]
    assert latest.get_data()["district"] == "110101"  # re-shared with the current profile
    assert [int(e.get_extension("streamversion")) for e, _ in hrss if e.get_subject() == a] == [1, 2, 3, 4]
