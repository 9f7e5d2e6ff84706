"""The person lifecycle through GraphQL and the registry API, on real PostgreSQL and Kafka: duplicates,
merge, profile updates, consents, export, field-level access, audit."""
from __future__ import annotations

from datetime import date

import asyncpg

from chassis.clock import Clock
from tests.registry_support import DASHBOARD, REGISTER, YOUTH, code, data, gql, id_number, mobile, person, published, register
from tests.support import bearer


async def registry_db(settings):
    return await asyncpg.connect(settings.database_url(settings.database("registry")))


async def total(gateway, token, pos=None, district=None) -> int:
    youth = data(await gql(gateway, DASHBOARD, {"pos": pos}, token=token("department_viewer", district)))
    return youth["dashboard"]["youth"]["total"]


async def test_register_with_the_full_profile_reads_back_masked_and_revealed(gateway, token):
    op = token("registry_operator", subject="op-full")
    idn = id_number(date(1995, 8, 7), "FEMALE")
    created = await register(gateway, op, name="李思思", gender="FEMALE", birthDate="1995-08-07", mobile="+86 137 1111 0001",
                             idNumber=idn.lower(), wechat="sisi_wx", employer="美团", employerKind="PLATFORM",
                             education="COLLEGE", needs=["LEGAL", "STUDY"],
                             consents=["REGISTRATION", "SHARE_WITH_AGENCY_UNION"], channel="WECHAT", noticeVersion="v3")
    y = data(await gql(gateway, YOUTH, {"id": created["id"]}, token=op))["youth"]
    assert y["name"] == "李思思" and y["mobile"] == "+8613711110001" and y["wechat"] == "sisi_wx"
    assert y["idNumber"] == idn[:6] + "********" + idn[-4:]
    assert y["employer"] == "美团" and y["employerKind"] == "PLATFORM" and y["needs"] == ["LEGAL", "STUDY"]
    assert {c["purpose"] for c in y["consents"]} == {"REGISTRATION", "SHARE_WITH_AGENCY_UNION"}
    assert y["consents"][0]["noticeVersion"] == "v3" and y["consents"][0]["channel"] == "WECHAT"
    revealed = data(await gql(gateway, YOUTH, {"id": created["id"], "reveal": True}, token=op))["youth"]
    assert revealed["idNumber"] == idn.upper()


async def test_validation_errors_name_the_field_through_graphql(gateway, token):
    op = token("registry_operator")
    cases = {"idNumber": person(idNumber="110105200103040014"),                       # check digit
             "birthDate": person(birthDate="1990-11-01"),                              # 36
             "mobile": person(mobile="+852 13800138000")}
    for field, body in cases.items():
        result = await gql(gateway, REGISTER, {"input": body}, token=op)
        assert code(result) == "VALIDATION" and result["errors"][0]["extensions"]["field"] == field, result
    mismatch = await gql(gateway, REGISTER, {"input": person(idNumber=id_number(date(2001, 3, 5)))}, token=op)
    assert mismatch["errors"][0]["extensions"]["errors"][0]["rule"] == "birth_date_mismatch"


async def test_duplicates_by_mobile_or_id_number_carry_the_existing_id_to_those_allowed(gateway, token):
    op = token("registry_operator")
    idn = id_number(date(2001, 3, 4))
    first = await register(gateway, op, idNumber=idn)
    same_id = await gql(gateway, REGISTER, {"input": person(idNumber=idn)}, token=op)
    assert code(same_id) == "DUPLICATE" and same_id["errors"][0]["extensions"]["existing_id"] == first["id"]
    # the same mobile written another way is the same mobile
    again = person(mobile=mobile())
    second = await register(gateway, op, **{k: v for k, v in again.items() if k != "consents"})
    dup = await gql(gateway, REGISTER, {"input": {**again, "mobile": "0086" + again["mobile"]}}, token=op)
    assert code(dup) == "DUPLICATE" and dup["errors"][0]["extensions"]["existing_id"] == second["id"]
    # an operator of another district learns that the number is taken, not whose record it is
    other = await gql(gateway, REGISTER, {"input": {**again, "district": "110108"}}, token=token("registry_operator",
                                                                                                   "110108"))
    assert code(other) == "DUPLICATE" and "existing_id" not in other["errors"][0]["extensions"]


async def test_merge_keeps_the_older_record_and_the_read_model_follows(gateway, registry, settings, token):
    op = token("registry_operator")
    older = await register(gateway, op, district="110112")
    newer_mobile = mobile()
    newer = await register(gateway, op, district="110112", mobile=newer_mobile)
    # a position holds for its own stream only: the older record's registration may sit on another partition
    await total(gateway, token, older["position"], "110112")
    before = await total(gateway, token, newer["position"], "110112")
    merged = data(await gql(gateway, """mutation M($a: ID!, $b: ID!) { mergeYouth(youthId: $a, otherYouthId: $b) {
        id version position } }""", {"a": newer["id"], "b": older["id"]}, token=op))["mergeYouth"]
    assert merged["id"] == newer["id"] and merged["version"] == 2  # the newer stream records the merge
    assert await total(gateway, token, merged["position"], "110112") == before - 1
    gone = data(await gql(gateway, YOUTH, {"id": newer["id"]}, token=op))["youth"]
    assert gone["status"] == "MERGED" and gone["mergedInto"] == older["id"]
    # the merged-away mobile now finds the survivor, and registering it again is a duplicate of the survivor
    found = await registry.post("/youth:search", json={"mobile": newer_mobile}, headers=bearer(op))
    assert [i["id"] for i in found.json()["items"]] == [older["id"]]
    dup = await gql(gateway, REGISTER, {"input": person(mobile=newer_mobile)}, token=op)
    assert dup["errors"][0]["extensions"]["existing_id"] == older["id"]
    event = await published(settings, f"youth-{newer['id']}", 2)
    assert event.type == "xq.registry.youth.merged.v1" and event.data == {"youth_id": newer["id"], "into_youth_id": older["id"]}
    again = await gql(gateway, """mutation M($a: ID!, $b: ID!) { mergeYouth(youthId: $a, otherYouthId: $b) { id } }""",
                      {"a": newer["id"], "b": older["id"]}, token=op)
    assert code(again) == "RULE_VIOLATED"


UPDATE = """mutation U($id: ID!, $input: UpdateYouthProfileInput!, $v: Int) {
  updateYouthProfile(id: $id, input: $input, expectedVersion: $v) { id version position } }"""


async def test_each_update_is_an_event_with_only_the_changed_fields(gateway, registry, settings, token):
    op = token("registry_operator")
    created = await register(gateway, op, district="110106")
    new_mobile = mobile()
    updated = data(await gql(gateway, UPDATE, {"id": created["id"], "v": 1, "input": {
        "mobile": new_mobile, "district": "110106", "subtype": "COURIER", "employer": "顺丰", "needs": ["CAREER"]}},
        token=op))["updateYouthProfile"]
    assert updated["version"] == 2
    stale = await gql(gateway, UPDATE, {"id": created["id"], "v": 1, "input": {"wechat": "x"}}, token=op)
    assert code(stale) == "CONFLICT"
    event = await published(settings, f"youth-{created['id']}", 2)
    assert event.type == "xq.registry.youth.profile-updated.v1"
    assert event.data["changed"] == ["employer", "mobile", "needs", "subtype"]  # district was unchanged
    assert event.data["subtype"] == "COURIER" and "mobile" not in event.data and "employer" not in event.data
    y = data(await gql(gateway, YOUTH, {"id": created["id"]}, token=op))["youth"]
    assert y["mobile"] == "+86" + new_mobile and y["subtype"] == "COURIER" and y["employer"] == "顺丰"
    newest = mobile()
    assert "errors" not in await gql(gateway, UPDATE, {"id": created["id"], "input": {"mobile": newest}}, token=op)
    other = await register(gateway, op, mobile=new_mobile)  # the number given up is free again
    dup = await gql(gateway, UPDATE, {"id": other["id"], "input": {"mobile": "+86" + newest}}, token=op)
    assert code(dup) == "DUPLICATE" and dup["errors"][0]["extensions"]["existing_id"] == created["id"]
    in_fengtai = await total(gateway, token, created["position"], "110106")
    moved = data(await gql(gateway, UPDATE, {"id": created["id"], "input": {"district": "110107"}},
                           token=op))["updateYouthProfile"]
    assert await total(gateway, token, moved["position"], "110106") == in_fengtai - 1
    assert await total(gateway, token, moved["position"], "110107") >= 1
    moved_out = await gql(gateway, UPDATE, {"id": other["id"], "input": {"district": "110101"}},
                          token=token("registry_operator", "110105"))
    assert code(moved_out) == "FORBIDDEN"


async def test_withdrawing_registration_consent_deactivates_and_the_dashboard_follows(gateway, token):
    op = token("registry_operator")
    created = await register(gateway, op, district="110117")
    assert await total(gateway, token, created["position"], "110117") == 1
    given = data(await gql(gateway, """mutation {{ giveConsent(id: "{}", purpose: SERVICE_RECORDS, noticeVersion: "v2",
        channel: APP) {{ version }} }}""".format(created["id"]), token=op))["giveConsent"]
    assert given["version"] == 2
    withdrawn = data(await gql(gateway, """mutation {{ withdrawConsent(id: "{}", purpose: REGISTRATION) {{
        version position }} }}""".format(created["id"]), token=op))["withdrawConsent"]
    assert withdrawn["version"] == 4  # consent-withdrawn + deactivated
    assert await total(gateway, token, withdrawn["position"], "110117") == 0
    y = data(await gql(gateway, YOUTH, {"id": created["id"]}, token=op))["youth"]
    assert y["status"] == "DEACTIVATED" and [c["purpose"] for c in y["consents"]] == ["SERVICE_RECORDS"]
    refused = await gql(gateway, UPDATE, {"id": created["id"], "input": {"wechat": "x"}}, token=op)
    assert code(refused) == "RULE_VIOLATED"
    back = data(await gql(gateway, """mutation {{ giveConsent(id: "{}", purpose: REGISTRATION, noticeVersion: "v2",
        channel: PAPER) {{ position }} }}""".format(created["id"]), token=op))["giveConsent"]
    assert await total(gateway, token, back["position"], "110117") == 1


async def test_export_holds_everything_the_registry_knows(gateway, token):
    op = token("registry_operator")
    idn = id_number(date(1999, 1, 2))
    created = await register(gateway, op, name="赵六", birthDate="1999-01-02", idNumber=idn, wechat="zl", employer="京东",
                             education="BACHELOR", needs=["SOCIAL_SECURITY"])
    await gql(gateway, UPDATE, {"id": created["id"], "input": {"wechat": "zl2"}}, token=op)
    await gql(gateway, """mutation {{ giveConsent(id: "{}", purpose: SHARE_WITH_AGENCY_HRSS, noticeVersion: "v1",
        channel: APP) {{ version }} }}""".format(created["id"]), token=op)
    export = data(await gql(gateway, 'mutation {{ exportYouth(id: "{}") }}'.format(created["id"]), token=op))["exportYouth"]
    p = export["profile"]
    assert (p["name"], p["birthDate"], p["idNumber"], p["wechat"], p["employer"], p["education"], p["needs"]) == \
        ("赵六", "1999-01-02", idn, "zl2", "京东", "BACHELOR", ["SOCIAL_SECURITY"])
    assert {c["purpose"] for c in export["consents"]} == {"REGISTRATION", "SHARE_WITH_AGENCY:HRSS"}
    assert [h["type"].split(".")[3] for h in export["history"]] == ["registered", "profile-updated", "consent-given"]
    assert export["history"][0]["fields"]["wechat"] == "zl" and export["history"][1]["fields"]["wechat"] == "zl2"
    assert export["memberships"] == [] and export["services"] == []
    viewer = await gql(gateway, 'mutation {{ exportYouth(id: "{}") }}'.format(created["id"]), token=token("station_staff"))
    assert code(viewer) == "FORBIDDEN"


SEARCH = """query S($f: YouthFilter, $first: Int, $after: String) { youths(filter: $f, first: $first, after: $after) {
  nodes { id name mobile idNumber district subtype } pageInfo { hasNextPage endCursor } } }"""


async def test_search_by_public_attributes_employer_age_band_and_exact_identifiers(gateway, token):
    op = token("registry_operator")
    ids = [(await register(gateway, op, district="110119", subtype="STREAMER", youthType="ONLINE_CULTURE",
                           employer="快手 科技", birthDate=f"{Clock().today().year - 16 - i}-01-01"))["id"]
           for i in range(3)]
    idn = id_number(date(1992, 6, 1))
    other = await register(gateway, op, district="110119", birthDate="1992-06-01", idNumber=idn, employer="抖音")
    page1 = data(await gql(gateway, SEARCH, {"f": {"district": "110119", "subtype": "STREAMER"}, "first": 2}, token=op))
    page2 = data(await gql(gateway, SEARCH, {"f": {"district": "110119", "subtype": "STREAMER"}, "first": 2,
                                             "after": page1["youths"]["pageInfo"]["endCursor"]}, token=op))
    assert page1["youths"]["pageInfo"]["hasNextPage"] and not page2["youths"]["pageInfo"]["hasNextPage"]
    assert sorted(n["id"] for n in page1["youths"]["nodes"] + page2["youths"]["nodes"]) == sorted(ids)
    by_employer = data(await gql(gateway, SEARCH, {"f": {"employer": "快手科技"}}, token=op))["youths"]["nodes"]
    assert sorted(n["id"] for n in by_employer) == sorted(ids)  # spaces and width do not matter
    minors = data(await gql(gateway, SEARCH, {"f": {"district": "110119", "ageBand": "16-17"}}, token=op))
    assert {n["id"] for n in minors["youths"]["nodes"]} == set(ids[:2])  # 16 and 17 this year, not 18
    by_id = data(await gql(gateway, SEARCH, {"f": {"idNumber": idn}}, token=op))["youths"]["nodes"]
    assert [n["id"] for n in by_id] == [other["id"]] and by_id[0]["idNumber"].count("*") == 8
    today = Clock().today().isoformat()
    dated = data(await gql(gateway, SEARCH, {"f": {"district": "110119", "registeredFrom": today, "registeredTo": today}},
                           token=op))["youths"]["nodes"]
    assert len(dated) == 4
    bad = await gql(gateway, SEARCH, {"f": {"ageBand": "40-50"}}, token=op)
    assert code(bad) == "VALIDATION" and bad["errors"][0]["extensions"]["field"] == "ageBand"


async def test_field_level_access_by_role_and_district(gateway, token):
    op = token("registry_operator")
    created = await register(gateway, op, name="孙七", district="110109", idNumber=id_number(date(2001, 3, 4)))
    secretary = data(await gql(gateway, YOUTH, {"id": created["id"]}, token=token("branch_secretary", "110109")))["youth"]
    assert secretary["name"] == "孙七" and secretary["mobile"].count("*") == 4
    assert secretary["idNumber"] is None and secretary["birthDate"] is None and secretary["wechat"] is None
    staff_reveal = data(await gql(gateway, YOUTH, {"id": created["id"], "reveal": True}, token=token("station_staff")))
    assert staff_reveal["youth"]["idNumber"] is None
    assert code(await gql(gateway, YOUTH, {"id": created["id"]}, token=token("branch_secretary", "110101"))) == "FORBIDDEN"
    assert code(await gql(gateway, YOUTH, {"id": created["id"]}, token=token("department_viewer"))) == "FORBIDDEN"
    assert code(await gql(gateway, SEARCH, {}, token=token("department_viewer"))) == "FORBIDDEN"
    assert code(await gql(gateway, YOUTH, {"id": created["id"]}, token=token("registry_operator", "110101"))) == "FORBIDDEN"
    scoped = data(await gql(gateway, SEARCH, {"first": 100}, token=token("registry_operator", "110101")))
    assert all(n["district"] == "110101" for n in scoped["youths"]["nodes"])
    other = await gql(gateway, SEARCH, {"f": {"district": "110109"}}, token=token("registry_operator", "110101"))
    assert code(other) == "FORBIDDEN"
    secretaries_list = data(await gql(gateway, SEARCH, {"f": {"district": "110109"}},
                                      token=token("branch_secretary", "110109")))["youths"]["nodes"]
    assert secretaries_list and all(n["idNumber"] is None and "*" in n["mobile"] for n in secretaries_list)
    assert code(await gql(gateway, REGISTER, {"input": person()}, token=token("branch_secretary"))) == "FORBIDDEN"


AUDIT = """query A($y: ID) { auditEntries(youthId: $y, first: 50) { nodes { actor action fields purpose youthId } } }"""


async def test_reads_and_changes_are_audited_without_values_and_only_admins_see_the_trail(gateway, settings, token):
    op = token("registry_operator", subject="op-audit")
    idn = id_number(date(2001, 3, 4))
    created = await register(gateway, op, idNumber=idn, wechat="audit_wx")
    await gql(gateway, YOUTH, {"id": created["id"]}, token=op)
    await gql(gateway, YOUTH, {"id": created["id"], "reveal": True}, token=op)
    await gql(gateway, UPDATE, {"id": created["id"], "input": {"wechat": "audit_wx2"}}, token=op)
    await gql(gateway, SEARCH, {"f": {"idNumber": idn}}, token=token("registry_operator", subject="op-search"))
    entries = data(await gql(gateway, AUDIT, {"y": created["id"]}, token=token("admin")))["auditEntries"]["nodes"]
    actions = [(e["actor"], e["action"]) for e in reversed(entries)]
    assert actions == [("op-audit", "REGISTER"), ("op-audit", "READ"), ("op-audit", "REVEAL"), ("op-audit", "UPDATE"),
                       ("op-search", "LOOKUP")]
    reveal = [e for e in entries if e["action"] == "REVEAL"][0]
    assert "idNumber(revealed)" in reveal["fields"] and reveal["purpose"]
    assert [e for e in entries if e["action"] == "UPDATE"][0]["fields"] == ["wechat"]
    assert code(await gql(gateway, AUDIT, {"y": created["id"]}, token=op)) == "FORBIDDEN"
    conn = await asyncpg.connect(settings.database_url(settings.database("registry")))
    try:
        dump = await conn.fetchval("SELECT string_agg(a::text, '') FROM audit a")
    finally:
        await conn.close()
    assert idn not in dump and "audit_wx" not in dump and "王小明" not in dump
