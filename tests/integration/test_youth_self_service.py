"""A young person with their own token (role youth) on the real stack: register themselves or claim the record
a station created, read, change, consent, export and erase their own record, and nothing of anyone else's."""
from __future__ import annotations

import json
from datetime import date, timedelta

import asyncpg

from chassis.clock import Clock
from tests.integration.test_registry_erasure import dump_database
from tests.registry_support import code, data, gql, id_number, mobile, person, published, register
from tests.support import bearer, keys_left

REGISTER_ME = "mutation R($input: RegisterMeInput!) { registerMe(input: $input) { id version position } }"
ME = """{ me { id status version district subtype name gender birthDate mobile idNumber wechat employer education
  needs consents { purpose channel } } }"""
CLAIM = "mutation C($code: String!) { claimMyRecord(code: $code) { id version } }"
ISSUE = "mutation I($id: ID!) { issueClaimCode(youthId: $id) { youthId code expiresAt } }"
MERGE = "mutation M($a: ID!, $b: ID!) { mergeYouth(youthId: $a, otherYouthId: $b) { id } }"
STAFF_YOUTH = "query Y($id: ID!) { youth(id: $id) { id status name } }"


def me_input(**overrides) -> dict:
    """What a person gives about themselves (no channel: the app's default)."""
    return person(**overrides)


async def register_me(gateway, t: str, **overrides) -> dict:
    return data(await gql(gateway, REGISTER_ME, {"input": me_input(**overrides)}, token=t))["registerMe"]


async def me(gateway, t: str) -> dict:
    return data(await gql(gateway, ME, token=t))["me"]


async def test_a_young_person_registers_reads_changes_consents_and_exports_their_own_record(gateway, token):
    rider = token("youth", subject="wx-rider-self-1")
    idn = id_number(date(2001, 3, 4))
    created = await register_me(gateway, rider, idNumber=idn, wechat="rider_wx")
    assert created["version"] == 2  # registered.v1 and account-linked.v1, in one transaction
    record = await me(gateway, rider)
    assert record["id"] == created["id"] and record["status"] == "ACTIVE" and record["wechat"] == "rider_wx"
    assert record["idNumber"] == idn[:6] + "********" + idn[-4:]  # masked, even for its owner
    assert record["consents"] == [{"purpose": "REGISTRATION", "channel": "APP"}]

    result = await gql(gateway, REGISTER_ME, {"input": me_input()}, token=rider)
    assert code(result) == "RULE_VIOLATED" and result["errors"][0]["extensions"]["rule"] == "account_already_linked"

    new_mobile = mobile()
    changed = data(await gql(gateway, f"""mutation {{ updateMyProfile(input: {{mobile: "{new_mobile}",
        education: COLLEGE, needs: [CAREER]}}, expectedVersion: {record["version"]}) {{ id version }} }}""",
                             token=rider))["updateMyProfile"]
    assert changed == {"id": created["id"], "version": 3}
    data(await gql(gateway, "mutation { giveMyConsent(purpose: SERVICE_RECORDS, channel: WECHAT) { version } }",
                   token=rider))
    record = await me(gateway, rider)
    assert record["mobile"] == f"+86{new_mobile}" and record["education"] == "COLLEGE" and record["needs"] == ["CAREER"]
    assert {c["purpose"]: c["channel"] for c in record["consents"]} == {"REGISTRATION": "APP", "SERVICE_RECORDS": "WECHAT"}

    data(await gql(gateway, "mutation { withdrawMyConsent(purpose: SERVICE_RECORDS) { version } }", token=rider))
    assert [c["purpose"] for c in (await me(gateway, rider))["consents"]] == ["REGISTRATION"]
    refused = await gql(gateway, "mutation { giveMyConsent(purpose: SERVICE_RECORDS, channel: PAPER) { version } }",
                        token=rider)
    assert code(refused) == "VALIDATION"  # a person online cannot claim a paper form

    exported = data(await gql(gateway, "mutation { exportMyData }", token=rider))["exportMyData"]
    assert exported["id"] == created["id"] and exported["profile"]["idNumber"] == idn  # a copy, in full
    types = [h["type"].split(".")[-2] for h in exported["history"]]
    assert types[:2] == ["registered", "account-linked"]
    assert exported["history"][1]["fields"]["account"] == "wx-rider-self-1"  # what is held about them, their account


async def test_the_account_is_kept_only_sealed_or_hashed(gateway, registry, settings, token):
    account = "wx-openid-never-in-clear"
    created = await register_me(gateway, token("youth", subject=account))
    assert account not in await dump_database(settings, "registry")
    linked = await published(settings, f"youth-{created['id']}", 2)
    assert linked.type == "xq.registry.youth.account-linked.v1"
    assert linked.data == {"youth_id": created["id"], "via": "SELF_REGISTERED", "linked_on": linked.data["linked_on"]}


async def test_a_mobile_already_registered_answers_duplicate_without_revealing_the_record(gateway, token):
    op = token("registry_operator", "110105", subject="op-dup")
    taken = mobile()
    existing = await register(gateway, op, mobile=taken)
    rider = token("youth", subject="wx-dup-1")
    result = await gql(gateway, REGISTER_ME, {"input": me_input(mobile=taken)}, token=rider)
    assert code(result) == "DUPLICATE"
    assert result["errors"][0]["extensions"].get("identifier") == "mobile"
    assert existing["id"] not in json.dumps(result, ensure_ascii=False)
    assert code(await gql(gateway, ME, token=rider)) == "NOT_FOUND"  # nothing was registered or linked


async def test_refusals_that_tell_something_are_limited_per_account_and_hour(gateway, registry, token):
    """A duplicate tells whether a mobile or ID number is registered, a refused claim code which codes are not:
    past the allowance an account is answered RATE_LIMITED, even for an attempt that would have passed, while
    another account is not held back. Refusals roll back their own transaction, so they are counted apart."""
    rt = registry.app.state.runtime
    allowance = rt.settings
    rt.settings = allowance.model_copy(update={"registry_self_refusals_per_hour": 2})
    try:
        taken = mobile()
        await register(gateway, token("registry_operator", "110105", subject="op-oracle"), mobile=taken)
        prober = token("youth", subject="wx-oracle-1")
        for _ in range(2):
            assert code(await gql(gateway, REGISTER_ME, {"input": me_input(mobile=taken)}, token=prober)) == "DUPLICATE"
        limited = await gql(gateway, REGISTER_ME, {"input": me_input(mobile=mobile())}, token=prober)
        assert code(limited) == "RATE_LIMITED" and limited["errors"][0]["extensions"]["retryAfter"] > 0
        for _ in range(2):
            wrong = await gql(gateway, CLAIM, {"code": "WRONGCD2"}, token=prober)
            assert wrong["errors"][0]["extensions"]["rule"] == "claim_code_invalid"  # its own allowance
        assert code(await gql(gateway, CLAIM, {"code": "WRONGCD2"}, token=prober)) == "RATE_LIMITED"
        assert (await register_me(gateway, token("youth", subject="wx-oracle-2")))["version"] == 2
    finally:
        rt.settings = allowance


async def test_a_station_prints_a_claim_code_and_it_links_one_account_once(gateway, token):
    op = token("registry_operator", "110105", subject="op-claim")
    staff = token("station_staff", "110105", subject="staff-claim")
    record = await register(gateway, op)
    other_district = await gql(gateway, ISSUE, {"id": record["id"]}, token=token("station_staff", "110108"))
    assert code(other_district) == "FORBIDDEN"
    assert code(await gql(gateway, ISSUE, {"id": record["id"]}, token=token("branch_secretary", "110105"))) \
        == "FORBIDDEN"
    printed = data(await gql(gateway, ISSUE, {"id": record["id"]}, token=staff))["issueClaimCode"]
    assert printed["youthId"] == record["id"] and len(printed["code"]) == 8

    rider = token("youth", subject="wx-claim-1")
    typed = printed["code"][:4].lower() + "-" + printed["code"][4:]  # as typed on a phone
    claimed = data(await gql(gateway, CLAIM, {"code": typed}, token=rider))["claimMyRecord"]
    assert claimed["id"] == record["id"]
    assert (await me(gateway, rider))["id"] == record["id"]

    again = await gql(gateway, CLAIM, {"code": printed["code"]}, token=token("youth", subject="wx-claim-2"))
    assert code(again) == "RULE_VIOLATED" and again["errors"][0]["extensions"]["rule"] == "claim_code_invalid"
    reissue = await gql(gateway, ISSUE, {"id": record["id"]}, token=staff)
    assert reissue["errors"][0]["extensions"]["rule"] == "account_already_linked"


async def test_a_claim_code_expires_after_seven_days(gateway, registry, token):
    op = token("registry_operator", "110105", subject="op-expiry")
    record = await register(gateway, op)
    rt = registry.app.state.runtime
    printed = data(await gql(gateway, ISSUE, {"id": record["id"]}, token=op))["issueClaimCode"]
    real = rt.deps.clock
    try:
        rt.deps.clock = Clock.fixed(real.now() + timedelta(days=7, seconds=1))
        expired = await gql(gateway, CLAIM, {"code": printed["code"]}, token=token("youth", subject="wx-late"))
        assert expired["errors"][0]["extensions"]["rule"] == "claim_code_expired"
        rt.deps.clock = Clock.fixed(real.now() + timedelta(days=6, hours=23))
        assert data(await gql(gateway, CLAIM, {"code": printed["code"]},
                              token=token("youth", subject="wx-in-time")))["claimMyRecord"]["id"] == record["id"]
    finally:
        rt.deps.clock = real


async def test_nobody_reaches_another_persons_record(gateway, registry, token):
    alice, bob = token("youth", subject="wx-alice"), token("youth", subject="wx-bob")
    a = await register_me(gateway, alice, name="李爱丽")
    await register_me(gateway, bob, name="王博")
    # Staff entry points with Alice's id: Bob's token is refused before any lookup, as for an id of nothing.
    for query, variables in ((STAFF_YOUTH, {"id": a["id"]}), (ISSUE, {"id": a["id"]}),
                             ('mutation E($id: ID!) { eraseYouth(id: $id) { id } }', {"id": a["id"]}),
                             ('mutation X($id: ID!) { exportYouth(id: $id) }', {"id": a["id"]})):
        result = await gql(gateway, query, variables, token=bob)
        assert code(result) == "FORBIDDEN" and "李爱丽" not in json.dumps(result, ensure_ascii=False)
    # The registry itself refuses a youth token on its staff routes (the gateway is not the only check).
    for method, path in (("GET", f"/youth/{a['id']}"), ("GET", f"/youth/{a['id']}/export"),
                         ("POST", f"/youth/{a['id']}/erase"), ("POST", f"/youth/{a['id']}/claim-code")):
        answer = await registry.request(method, path, headers=bearer(bob))
        assert answer.status_code == 403 and "李爱丽" not in answer.text
    # Bob's own-record calls change Bob only.
    data(await gql(gateway, "mutation { updateMyProfile(input: {wechat: \"bob_wx\"}) { id } }", token=bob))
    data(await gql(gateway, "mutation { eraseMe { id } }", token=bob))
    alice_now = await me(gateway, alice)
    assert alice_now["name"] == "李爱丽" and alice_now["wechat"] is None and alice_now["status"] == "ACTIVE"
    # A staff token has no own record.
    assert code(await gql(gateway, ME, token=token("admin"))) == "FORBIDDEN"
    assert (await registry.get("/me", headers=bearer(token("admin")))).status_code == 403


async def test_erase_me_shreds_every_record_of_the_person_and_unlinks_the_account(gateway, settings, token):
    op = token("registry_operator", "110105", subject="op-erase-me")
    older = await register(gateway, op, name="赵删除")  # registered at a station first
    rider = token("youth", subject="wx-erase-me")
    mine = await register_me(gateway, rider, name="赵删除")  # then by themself, with another mobile
    data(await gql(gateway, MERGE, {"a": older["id"], "b": mine["id"]}, token=op))
    assert (await me(gateway, rider))["id"] == older["id"]  # the account follows the merge to the survivor
    # PIPL Art. 45: the export shows the record merged into the person too, with its own profile
    exported = data(await gql(gateway, "mutation { exportMyData }", token=rider))["exportMyData"]
    assert exported["id"] == older["id"]
    [merged] = exported["mergedRecords"]
    assert (merged["id"], merged["status"], merged["profile"]["name"]) == (mine["id"], "MERGED", "赵删除")
    reissue = await gql(gateway, ISSUE, {"id": older["id"]}, token=op)  # nor can another account claim the person
    assert reissue["errors"][0]["extensions"]["rule"] == "account_already_linked"

    erased = data(await gql(gateway, "mutation { eraseMe { id } }", token=rider))["eraseMe"]
    assert erased["id"] == older["id"]
    assert code(await gql(gateway, ME, token=rider)) == "NOT_FOUND"
    assert code(await gql(gateway, "mutation { exportMyData }", token=rider)) == "NOT_FOUND"
    for yid in (older["id"], mine["id"]):
        seen = data(await gql(gateway, STAFF_YOUTH, {"id": yid}, token=op))["youth"]
        assert seen["status"] == "ERASED" and seen["name"] is None
    conn = await asyncpg.connect(settings.database_url(settings.database("registry")))
    try:
        ids = [older["id"], mine["id"]]
        assert await conn.fetchval("SELECT count(*) FROM youth_accounts WHERE youth_id = ANY($1::text[])", ids) == 0
        assert await keys_left(settings, [f"youth-{y}" for y in ids]) == 0
    finally:
        await conn.close()
    # The account is free again: the person may register anew.
    assert (await register_me(gateway, rider))["version"] == 2
