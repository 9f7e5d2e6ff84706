"""The referral loop on the real stack with a secured broker (SASL/SCRAM agencies, ACLs): a youth opens a
LABOUR_DISPUTE case → staff triage → without consent nothing is published → with consent the referral
reaches partner.hrss.referrals → a client logged in as agency-hrss (docs/examples/agency_referrals.py) reads
it, pseudonymous, and answers accepted, then settled → the case shows it in GraphQL → the youth rates it.
agency-justice may not write HRSS's replies; a malformed, unknown or out-of-order reply lands on the dead
letters with its reason and changes nothing; erasure leaves nothing personal to publish again."""
from __future__ import annotations

import importlib.util
import uuid
from types import SimpleNamespace

import pytest
from aiokafka import AIOKafkaProducer
from aiokafka.errors import TopicAuthorizationFailedError

from chassis.keys import partner_key
from chassis.pseudonyms import Pseudonymiser
from chassis.relay import _envelope
from contracts.partners import ReferralMessages, ReplyDeadLetters
from tests.integration.secured_broker import secured_broker
from tests.integration.stations_support import caught_up, ok
from tests.registry_support import data, gql, mobile, person
from tests.support import eventually, service_db
from xinqing.kafka_acls import agency_user

SUMMARY = "外卖站点拖欠我三个月加班费，站长要求我自愿离职"
NAME = "赵骑手"
CASES = "{ cases(first: 100) { nodes { id status outcome agency agencyStatus rating } } }"
spec = importlib.util.spec_from_file_location("agency_referrals", "docs/examples/agency_referrals.py")
assert spec and spec.loader
agency_client = importlib.util.module_from_spec(spec)
spec.loader.exec_module(agency_client)


@pytest.fixture(scope="module")
def broker(infra, tmp_path_factory):
    base = infra.settings.model_copy(update={"namespace": f"t{uuid.uuid4().hex[:6]}_agency_loop"})
    with secured_broker(base, infra, tmp_path_factory.mktemp("agency-kafka"), "kafka-agency") as secured:
        yield secured


@pytest.fixture(scope="module")
def settings(broker):
    """The services of this module (registry, stations, gateway) on the secured broker's internal listener."""
    return broker.settings


def login(broker, agency: str) -> dict:
    return agency_client.login(broker.sasl, agency_user(agency), broker.passwords[agency])


def topic(settings, agency: str, kind: str) -> str:
    return settings.topic(f"partner.{agency}.{kind}")


def step(name: str, args: str) -> str:
    return f"mutation($c: ID!) {{ {name}(caseId: $c, {args}) {{ id position }} }}"


async def staff_view(gateway, staff: str, cid: str) -> dict:
    return next(n for n in (await ok(gateway, CASES, None, staff))["cases"]["nodes"] if n["id"] == cid)


@pytest.fixture(scope="module")
async def referred(gateway, stations, settings, token, broker):
    """A youth's LABOUR_DISPUTE case, triaged, refused without consent, then referred to HRSS with it."""
    rider = token("youth", subject="wx-agency-loop")
    phone = mobile()
    youth_id = data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                              {"i": person(name=NAME, mobile=phone)}, rider))["registerMe"]["id"]
    opened = data(await gql(gateway, "mutation($i: OpenMyCaseInput!) { openMyCase(input: $i) { id position } }",
                            {"i": {"category": "LABOUR_DISPUTE", "summary": SUMMARY, "district": "110105"}},
                            rider))["openMyCase"]
    cid, staff = opened["id"], token("station_staff", district="110105")
    await caught_up(gateway, staff, [opened["position"]])
    await ok(gateway, step("triageCase", 'category: LABOUR_DISPUTE, urgency: URGENT, assignee: "朝阳区维权站"'),
             {"c": cid}, staff)
    without = await gql(gateway, step("referCase", 'agency: "HRSS", consent: false'), {"c": cid}, staff)
    refused = without["errors"][0]
    unpublished = await agency_client.read_all(login(broker, "hrss"), topic(settings, "hrss", "referrals"))
    async with service_db(settings, "stations") as conn:
        stored = await conn.fetchval("SELECT count(*) FROM events WHERE event_type = $1", ReferralMessages.REFERRED)
    done = await ok(gateway, step("referCase", 'agency: "HRSS", consent: true'), {"c": cid}, staff)
    return {"rider": rider, "youth_id": youth_id, "phone": phone, "cid": cid, "staff": staff, "refused": refused,
            "before": (unpublished, stored), "position": done["referCase"]["position"]}


async def test_without_consent_the_api_says_why_and_nothing_reaches_the_topic(referred):
    refused = referred["refused"]
    assert refused["extensions"]["code"] == "RULE_VIOLATED"
    assert (refused["extensions"]["rule"], refused["extensions"]["field"]) == ("consent_required", "consent")
    assert "同意" in refused["message"]
    assert referred["before"] == ([], 0)  # not on the topic, not in the outbox


async def referrals(broker, settings) -> list[dict]:
    return await agency_client.read_all(login(broker, "hrss"), topic(settings, "hrss", "referrals"))


async def test_hrss_reads_the_referral_pseudonymous_and_the_loop_closes_in_graphql(gateway, broker, settings,
                                                                                    referred):
    found: list[dict] = []

    async def published() -> bool:
        found[:] = await referrals(broker, settings)
        return bool(found)
    await eventually(published)
    [message] = found
    ref, expected_subject = message["data"]["case_ref"], Pseudonymiser(partner_key(settings)).subject(
        "HRSS", referred["youth_id"])
    assert message["type"] == ReferralMessages.REFERRED and message["subject"] == ref
    assert message["data"] | {"case_ref": None, "referred_at": None} == {
        "case_ref": None, "referred_at": None, "subject_id": expected_subject, "category": "LABOUR_DISPUTE",
        "urgency": "URGENT", "district": "110105", "summary": SUMMARY}
    blob = repr(message)
    for secret in (referred["phone"], referred["phone"][-8:], NAME, referred["youth_id"], referred["cid"]):
        assert secret not in blob  # no plaintext mobile or name, no internal ids

    hrss = login(broker, "hrss")
    replies = topic(settings, "hrss", "replies")
    await agency_client.send_reply(hrss, replies, "accepted", ref, source="/hrss/mediation")
    staff, cid = referred["staff"], referred["cid"]

    async def shows(status: str, agency_status: str) -> bool:
        view = await staff_view(gateway, staff, cid)
        return (view["status"], view["agencyStatus"]) == (status, agency_status)
    await eventually(lambda: shows("ACCEPTED", "ACCEPTED"))
    await agency_client.send_reply(hrss, replies, "mediation-result", ref, result="SETTLED")
    await eventually(lambda: shows("RESOLVED", "CLOSED"))
    assert (await staff_view(gateway, staff, cid))["outcome"] == "SETTLED"

    rated = data(await gql(gateway, "mutation($c: ID!) { rateMyCase(caseId: $c, score: 5) { id position } }",
                           {"c": cid}, referred["rider"]))["rateMyCase"]
    await caught_up(gateway, staff, [rated["position"]])
    assert (await staff_view(gateway, staff, cid))["status"] == "RATED"
    assert (await staff_view(gateway, staff, cid))["rating"] == 5
    mine = data(await gql(gateway, "{ me { cases { id status outcome agency agencyStatus } } }",
                          token=referred["rider"]))
    assert {"id": cid, "status": "RATED", "outcome": "SETTLED", "agency": "HRSS",
            "agencyStatus": "CLOSED"} in mine["me"]["cases"]


async def test_agency_justice_may_not_write_hrss_replies(broker, settings, referred):
    with pytest.raises(TopicAuthorizationFailedError):
        await agency_client.send_reply(login(broker, "justice"), topic(settings, "hrss", "replies"), "accepted",
                                       "hrss-" + "0" * 40)


async def dead_letters(broker, settings) -> list[dict]:
    return await agency_client.read_all(login(broker, "hrss"), topic(settings, "hrss", "replies.dead-letters"))


async def test_malformed_unknown_and_out_of_order_replies_land_on_the_dead_letters(gateway, stations, broker,
                                                                                   settings, referred):
    await eventually(lambda: _published(broker, settings))
    ref = (await referrals(broker, settings))[0]["data"]["case_ref"]
    hrss, replies = login(broker, "hrss"), topic(settings, "hrss", "replies")
    before = await staff_view(gateway, referred["staff"], referred["cid"])
    malformed = await agency_client.send_reply(hrss, replies, "accepted", ref, mobile="13800138000")
    unknown = await agency_client.send_reply(hrss, replies, "accepted", "hrss-" + "a" * 40)
    found: dict[str, dict] = {}

    async def lettered() -> bool:
        found.update({m["data"].get("reply_id"): m for m in await dead_letters(broker, settings)})
        return {malformed, unknown} <= set(found)
    await eventually(lettered)
    bad = found[malformed]
    assert bad["type"] == ReplyDeadLetters.REJECTED
    assert (bad["data"]["reason"], bad["data"]["rule"]) == ("schema", "additionalProperties")
    assert "mobile" in bad["data"]["message"] and "13800138000" not in repr(bad)  # names the field, not the value
    assert (found[unknown]["data"]["reason"], found[unknown]["data"]["field"]) == ("unknown_case", "case_ref")
    # The same reply delivered again (same ce_id) is claimed already: no second dead letter, no effect.
    consumer = stations.app.state.runtime.deps.replies
    again = SimpleNamespace(topic=replies, partition=bad["data"]["partition"], offset=bad["data"]["offset"],
                            value=b'{"case_ref": "' + ref.encode() + b'"}', headers=[
                                ("ce_specversion", b"1.0"), ("ce_id", malformed.encode()), ("ce_source", b"/hrss"),
                                ("ce_type", b"xq.partner.reply.accepted.v1")])
    assert await consumer.handle(again) == "repeat"
    # A mediation that never started cannot end without agreement, whatever else HRSS said before.
    late = await agency_client.send_reply(hrss, replies, "mediation-result", ref, result="NOT_SETTLED")

    async def late_lettered() -> bool:
        found.update({m["data"].get("reply_id"): m for m in await dead_letters(broker, settings)})
        return late in found
    await eventually(late_lettered)
    assert (found[late]["data"]["reason"], found[late]["data"]["rule"]) == ("out_of_order", "out_of_order")
    after = await staff_view(gateway, referred["staff"], referred["cid"])
    assert (after["status"], after["agencyStatus"]) == (before["status"], before["agencyStatus"])


async def _send_raw(connection: dict, replies: str, value: bytes, headers: list) -> None:
    producer = AIOKafkaProducer(**connection)
    await producer.start()
    try:
        await producer.send_and_wait(replies, value, headers=headers)
    finally:
        await producer.stop()


async def test_replies_no_parser_can_read_are_dead_letters_and_the_consumer_reads_on(gateway, stations, broker,
                                                                                     settings, referred):
    """A body nested beyond the JSON parser and a CloudEvents header without a value once raised out of the
    reading and stopped the reply consumer on that message, holding up every reply behind it."""
    await eventually(lambda: _published(broker, settings))
    hrss, replies = login(broker, "hrss"), topic(settings, "hrss", "replies")
    attributes = [("ce_specversion", b"1.0"), ("ce_source", b"/hrss"), ("ce_type", b"xq.partner.reply.accepted.v1")]
    nested = f"nested-{uuid.uuid4()}"
    await _send_raw(hrss, replies, b"[" * 1000, [("ce_id", nested.encode()), *attributes])
    await _send_raw(hrss, replies, b"{}", [("ce_id", None), *attributes])
    after = await agency_client.send_reply(hrss, replies, "accepted", "hrss-" + "b" * 40)  # read only if it read on
    found: dict = {}

    async def lettered() -> bool:
        for message in await dead_letters(broker, settings):
            found.setdefault(message["data"].get("reply_id"), []).append(message["data"])
        return nested in found and after in found
    await eventually(lettered)
    assert (found[nested][0]["reason"], found[nested][0]["rule"]) == ("schema", "json")
    assert any((d["reason"], d["field"], d["rule"]) == ("envelope", "ce_id", "required") for d in found.get(None, []))
    assert found[after][0]["reason"] == "unknown_case"


async def _published(broker, settings) -> bool:
    return bool(await referrals(broker, settings))


async def test_erasure_publishes_the_notice_and_leaves_nothing_personal_to_send_again(gateway, stations, broker,
                                                                                       settings, referred):
    await eventually(lambda: _published(broker, settings))
    ref = (await referrals(broker, settings))[0]["data"]["case_ref"]
    data(await gql(gateway, "mutation { eraseMe { id } }", token=referred["rider"]))

    async def noticed() -> bool:
        return any(m["type"] == ReferralMessages.ERASED and m["data"]["case_ref"] == ref
                   for m in await referrals(broker, settings))
    await eventually(noticed)
    rt = stations.app.state.runtime
    store = rt.deps.partner_stores.referrals["HRSS"]
    async with rt.pool.acquire() as conn:
        [sent, _] = (await conn.fetch("SELECT event_id FROM events WHERE stream_id = $1 ORDER BY version", ref))
        row = await conn.fetchrow("SELECT * FROM events WHERE event_id = $1", sent["event_id"])
        assert SUMMARY not in repr(dict(row))  # never stored in plaintext
        # The relay sending the referral again (a replay of the outbox) now finds the case's key shredded.
        again = await rt.relay.enrich(conn, store.topic, _envelope(row))
    assert "summary" not in again.data and "contact" not in again.data
    assert again.data["case_ref"] == ref


async def test_the_contact_goes_only_with_its_own_consent_and_is_never_stored_in_plaintext(gateway, stations, broker,
                                                                                            settings, token):
    staff = token("station_staff", district="110105")
    walk_in = (await ok(gateway, "mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }", {"i": {
        "category": "LEGAL_AID", "district": "110105", "summary": "骑手被车撞伤，对方不赔偿，想申请法律援助"}},
        staff))["openCase"]["id"]
    await ok(gateway, step("triageCase", 'category: LEGAL_AID, urgency: NORMAL, assignee: "朝阳区维权站"'),
             {"c": walk_in}, staff)
    no_consent = await gql(gateway, step("referCase", 'agency: "JUSTICE", consent: true, contact: "13900001111"'),
                           {"c": walk_in}, staff)
    assert no_consent["errors"][0]["extensions"]["code"] == "VALIDATION"
    await ok(gateway, step("referCase", 'agency: "JUSTICE", consent: true, shareContact: true, '
                                        'contact: "13900001111"'), {"c": walk_in}, staff)
    justice = login(broker, "justice")
    found: list[dict] = []

    async def published() -> bool:
        found[:] = await agency_client.read_all(justice, topic(settings, "justice", "referrals"))
        return bool(found)
    await eventually(published)
    [message] = found
    assert message["data"]["contact"] == "13900001111" and message["data"]["category"] == "LEGAL_AID"
    assert "subject_id" not in message["data"]  # a walk-in without a registered youth has no pseudonym
    async with stations.app.state.runtime.pool.acquire() as conn:
        stored = await conn.fetch("SELECT data::text AS data FROM events WHERE stream_id = $1",
                                  message["data"]["case_ref"])
        sealed_only = await conn.fetchval("SELECT count(*) FROM events WHERE data::text LIKE '%13900001111%'")
    assert stored and sealed_only == 0  # the outbox row has no contact; the case event has it sealed


async def test_a_case_referred_again_after_its_youth_was_erased_names_nobody(gateway, stations, broker, settings,
                                                                            token):
    """A case keeps its youth's id after their erasure (the id is no personal data on its own); the agency's
    pseudonym of that person, and the referral's link to them, must not come back with a second referral."""
    rider = token("youth", subject="wx-agency-loop-erased")
    data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                   {"i": person(mobile=mobile())}, rider))
    opened = data(await gql(gateway, "mutation($i: OpenMyCaseInput!) { openMyCase(input: $i) { id position } }",
                            {"i": {"category": "WAGE_ARREARS", "summary": "平台拖欠两个月工资", "district": "110105"}},
                            rider))["openMyCase"]
    cid, staff = opened["id"], token("station_staff", district="110105")
    await caught_up(gateway, staff, [opened["position"]])
    await ok(gateway, step("triageCase", 'category: WAGE_ARREARS, urgency: NORMAL, assignee: "朝阳区维权站"'),
             {"c": cid}, staff)
    await ok(gateway, step("referCase", 'agency: "HRSS", consent: true'), {"c": cid}, staff)
    await ok(gateway, step("recordAgencyAnswer", 'accepted: false, reason: "不属本机构受理范围"'), {"c": cid}, staff)
    data(await gql(gateway, "mutation { eraseMe { id } }", token=rider))
    rt = stations.app.state.runtime

    async def forgotten() -> bool:
        async with rt.pool.acquire() as conn:
            return await conn.fetchval("SELECT youth_id IS NULL FROM referrals WHERE case_id = $1", cid)
    await eventually(forgotten)
    await ok(gateway, step("referCase", 'agency: "HRSS", consent: true'), {"c": cid}, staff)
    async with rt.pool.acquire() as conn:
        ref = await conn.fetchval("SELECT case_ref FROM referrals WHERE case_id = $1", cid)
    sent: list[dict] = []

    async def both_published() -> bool:
        sent[:] = [m["data"] for m in await referrals(broker, settings)
                   if m["type"] == ReferralMessages.REFERRED and m["data"]["case_ref"] == ref]
        return len(sent) == 2
    await eventually(both_published)
    assert "subject_id" in sent[0] and "subject_id" not in sent[1]
    assert await forgotten()  # the second referral did not link the person again
