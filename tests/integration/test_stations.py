"""Stations on real PostgreSQL and Kafka: idempotent batch uploads, capacity, nearest stations,
overdue appeals marked by the scheduled process, through GraphQL → service → store → Kafka → gateway."""
from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg

from chassis.clock import BEIJING, Clock
from chassis.envelope import Envelope
from gateway.tables import stations as tables
from services.stations.domain.service_record import record_id
from services.stations.jobs import mark_overdue
from services.stations.projections import KnownYouthProjection
from services.stations.tables import consenting_youth
from tests.integration.stations_support import RECORD, caught_up, create_station, gql, ok, register_youth
from tests.support import bearer, eventually, read_topic

NOW = datetime.now(UTC).replace(microsecond=0)
# Yesterday noon in Beijing: a few hours before it are the same Beijing day whatever the hour the tests run at
# (stream per station and Beijing day: "now" minus 3 h crosses midnight for three hours of every day).
NOON = datetime.combine(Clock().today() - timedelta(days=1), datetime.min.time().replace(hour=12), tzinfo=BEIJING)


async def test_the_same_batch_uploaded_three_times_counts_once(gateway, stations, settings, token):
    staff = token("station_staff", district="110105")
    created = await create_station(gateway, staff, "酒仙桥小哥加油站", 39.97, 116.49)
    sid = created["id"]
    youth = await register_youth(gateway, stations, token("registry_operator"), "13700000001")
    no_consent = await register_youth(gateway, stations, token("registry_operator"), "13700000002",
                                      consents=("REGISTRATION",))
    batch = [{"idempotencyKey": f"phone-7-{i}", "serviceType": service, "deliveredAt": at.isoformat(),
              "youthId": who}
             for i, (service, at, who) in enumerate([
                 ("REST", NOON - timedelta(hours=1), None),
                 ("HEALTH_CHECK", NOON - timedelta(hours=2), youth),
                 ("HAIRCUT", NOON - timedelta(days=3), youth),   # uploaded late: another day's stream
                 ("LEGAL", NOON - timedelta(days=3), None),
                 ("CAREER", NOON - timedelta(hours=3), no_consent),  # counted, but not named
                 ("SOCIAL_SECURITY", NOON - timedelta(hours=3), str(uuid.uuid4()))])]  # unknown: not named

    first = await ok(gateway, RECORD, {"station": sid, "records": batch}, staff)
    assert first["recordServices"]["accepted"] == 6 and first["recordServices"]["duplicates"] == []
    assert first["recordServices"]["anonymised"] == ["phone-7-4", "phone-7-5"]
    # The phone lost the answer and retries twice, at once, straight to the service.
    retries = await asyncio.gather(*(stations.post(f"/stations/{sid}/records", json={"records": batch},
                                                   headers=bearer(staff)) for _ in range(2)))
    for response in retries:
        assert response.status_code == 200, response.text
        assert response.json()["accepted"] == 0
        assert sorted(response.json()["duplicates"]) == sorted(r["idempotencyKey"] for r in batch)

    conn = await asyncpg.connect(settings.database_url(settings.database("stations")))
    try:
        stored = await conn.fetchval("SELECT count(*) FROM events WHERE stream_id LIKE $1", f"visits-{sid}-%")
        streams = await conn.fetchval("SELECT count(DISTINCT stream_id) FROM events WHERE stream_id LIKE $1",
                                      f"visits-{sid}-%")
        kept = await conn.fetchval("SELECT youth_id FROM health_record_subjects WHERE record_id = $1",
                                   record_id(sid, "phone-7-1"))
    finally:
        await conn.close()
    assert stored == 6 and streams == 2 and kept == youth

    events = await read_topic(settings, settings.topic("xq.stations.service"), expect=6)
    mine = {e.data["record_id"]: e for e in events if e.data["station_id"] == sid}
    assert len(mine) == 6
    health = mine[record_id(sid, "phone-7-1")]
    assert health.data["youth_id"] is None and health.data["registered"] is True  # counts only
    assert youth.encode() not in health.kafka_value()
    assert mine[record_id(sid, "phone-7-2")].data["youth_id"] == youth
    for key in ("phone-7-4", "phone-7-5"):
        assert mine[record_id(sid, key)].data["youth_id"] is None and mine[record_id(sid, key)].data["registered"] is False

    await caught_up(gateway, staff, [first["recordServices"]["position"]])
    async def counted() -> bool:
        data = await ok(gateway, "query($s: String) { personTimes(stationId: $s) { nodes { count } } }",
                        {"s": sid}, staff)
        return sum(n["count"] for n in data["personTimes"]["nodes"]) == 6
    await eventually(counted, timeout=20)


async def test_a_bad_record_refuses_the_whole_batch_and_stores_nothing(gateway, settings, token):
    staff = token("station_staff", district="110105")
    sid = (await create_station(gateway, staff, "三里屯暖心驿站", 39.93, 116.45, kind="WARM_HEART"))["id"]
    batch = [{"idempotencyKey": "ok-1", "serviceType": "REST", "deliveredAt": NOW.isoformat()},
             {"idempotencyKey": "bad-1", "serviceType": "REST", "deliveredAt": (NOW + timedelta(days=1)).isoformat()}]
    result = await gql(gateway, RECORD, {"station": sid, "records": batch}, staff)
    error = result["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION" and error["extensions"]["field"] == "records[1].deliveredAt"
    conn = await asyncpg.connect(settings.database_url(settings.database("stations")))
    try:
        assert await conn.fetchval("SELECT count(*) FROM service_record_keys WHERE station_id = $1", sid) == 0
    finally:
        await conn.close()


async def test_staff_of_another_district_cannot_record_at_a_station(gateway, token):
    sid = (await create_station(gateway, token("station_staff", district="110105"), "大望路加油站", 39.91, 116.48))["id"]
    batch = [{"idempotencyKey": "x-1", "serviceType": "REST", "deliveredAt": NOW.isoformat()}]
    result = await gql(gateway, RECORD, {"station": sid, "records": batch}, token("station_staff", district="110108"))
    assert result["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    viewer = await gql(gateway, RECORD, {"station": sid, "records": batch}, token("department_viewer"))
    assert viewer["errors"][0]["extensions"]["code"] == "FORBIDDEN"


SCHEDULE = """mutation($d: String!, $cap: Int!, $at: DateTime!) {
  scheduleEvent(kind: "SALON", title: "设计青年沙龙", district: $d, startsAt: $at, capacity: $cap) { id position } }"""
REGISTER = "mutation($e: ID!, $y: ID!) { registerForEvent(eventId: $e, youthId: $y) { id version position } }"


async def test_registration_beyond_capacity_is_refused_even_when_racing(gateway, token):
    staff = token("station_staff")
    event = (await ok(gateway, SCHEDULE, {"d": "110108", "cap": 3, "at": (NOW + timedelta(days=7)).isoformat()},
                      staff))["scheduleEvent"]
    results = await asyncio.gather(*(gql(gateway, REGISTER, {"e": event["id"], "y": str(uuid.uuid4())}, staff)
                                     for _ in range(6)))
    winners = [r for r in results if "errors" not in r]
    losers = [r["errors"][0]["extensions"] for r in results if "errors" in r]
    assert 1 <= len(winners) <= 3
    assert all(e["code"] in ("CONFLICT", "RULE_VIOLATED") for e in losers)
    # Fill what is left one by one; then the next one is refused with a clear error.
    for _ in range(3 - len(winners)):
        await ok(gateway, REGISTER, {"e": event["id"], "y": str(uuid.uuid4())}, staff)
    full = await gql(gateway, REGISTER, {"e": event["id"], "y": str(uuid.uuid4())}, staff)
    assert full["errors"][0]["extensions"]["code"] == "RULE_VIOLATED"
    assert full["errors"][0]["extensions"]["rule"] == "capacity_reached"
    assert "名额已满" in full["errors"][0]["message"]


NEAREST = """query($lat: Float!, $lon: Float!, $service: ServiceType) {
  nearestStations(lat: $lat, lon: $lon, service: $service, limit: 10, radiusKm: 5) { name distanceKm } }"""


async def test_nearest_open_stations_offering_a_service_come_in_distance_order(gateway, token):
    staff = token("station_staff", district="110108")
    here = (39.9800, 116.3100)  # 海淀, near 中关村
    # Known points (distances by haversine from `here`): ~0.45 km, ~1.1 km, ~2.2 km, ~3.4 km; one 8 km off.
    await create_station(gateway, staff, "近-中关村", 39.9840, 116.3100, district="110108")
    await create_station(gateway, staff, "中-海淀黄庄", 39.9750, 116.3220, district="110108", kind="WARM_HEART")
    await create_station(gateway, staff, "远-五道口", 39.9920, 116.3340, district="110108",
                         services=("HAIRCUT",))  # no REST: filtered by service
    await create_station(gateway, staff, "更远-苏州街", 39.9500, 116.3000, district="110108")
    closed = await create_station(gateway, staff, "关闭-知春路", 39.9810, 116.3120, district="110108")
    far = await create_station(gateway, token("station_staff"), "太远-西直门", 39.9400, 116.3550, district="110102")
    await ok(gateway, 'mutation($s: ID!) { changeStationStatus(stationId: $s, status: CLOSED) { id } }',
             {"s": closed["id"]}, staff)
    await caught_up(gateway, staff, [far["position"]])

    async def ordered() -> list[str]:
        data = await ok(gateway, NEAREST, {"lat": here[0], "lon": here[1], "service": "REST"}, staff)
        return [s["name"] for s in data["nearestStations"]]
    await eventually(lambda: _equals(ordered, ["近-中关村", "中-海淀黄庄", "更远-苏州街"]), timeout=20)
    data = await ok(gateway, NEAREST, {"lat": here[0], "lon": here[1]}, staff)
    names = [s["name"] for s in data["nearestStations"]]
    assert names == ["近-中关村", "中-海淀黄庄", "远-五道口", "更远-苏州街"]
    distances = [s["distanceKm"] for s in data["nearestStations"]]
    assert distances == sorted(distances) and 0.4 < distances[0] < 0.5

    outside = await gql(gateway, NEAREST, {"lat": 31.23, "lon": 116.3}, staff)
    assert outside["errors"][0]["extensions"]["code"] == "VALIDATION"
    assert outside["errors"][0]["extensions"]["field"] == "lat"


async def test_the_in_memory_finder_answers_as_the_sql_and_follows_a_closed_station(gateway, token):
    """nearestStations answers from memory (gateway/schema/stations/nearest.py): the same stations and
    kilometres as the SQL query over the read model, and a station closed after the stations were loaded
    is gone from the next answer once the projection applied it."""
    staff = token("station_staff", district="110105")
    made = [await create_station(gateway, staff, f"比对站{i}", 39.92 + 0.004 * (i % 5), 116.44 + 0.005 * (i // 5))
            for i in range(15)]
    await caught_up(gateway, staff, [m["position"] for m in made])
    rt = gateway.app.state.runtime
    stations = await rt.deps.stations.current(rt)
    async with rt.pool.acquire() as conn:
        for lat, lon, service, radius in ((39.93, 116.45, None, 2.0), (39.925, 116.46, "REST", 5.0),
                                          (39.94, 116.44, "HEALTH_CHECK", 10.0), (39.93, 116.45, "LEGAL", 5.0)):
            rows = await tables.nearest_stations(conn, lat=lat, lon=lon, service=service, district=None, limit=12,
                                                 radius_km=radius)
            assert [(s.id, s.distance_km) for s in stations.nearest(lat, lon, service, 12, radius)] == \
                [(r["station_id"], round(r["km"], 3)) for r in rows]

    here = {"lat": 39.92, "lon": 116.44}
    first = (await ok(gateway, NEAREST, here, staff))["nearestStations"][0]["name"]
    assert first == "比对站0"
    closed = await ok(gateway, 'mutation($s: ID!) { changeStationStatus(stationId: $s, status: CLOSED) { position } }',
                      {"s": made[0]["id"]}, staff)
    await caught_up(gateway, staff, [closed["changeStationStatus"]["position"]])
    assert "比对站0" not in [s["name"] for s in (await ok(gateway, NEAREST, here, staff))["nearestStations"]]


async def _equals(get, expected) -> bool:
    return await get() == expected


IMPORT = "mutation($i: ImportAppealInput!) { importAppeal(input: $i) { id position } }"
APPEALS = """query($m: String) { dashboard { appeals(month: $m) { total open overdue responseRate resolutionRate
  satisfactionRate ranking { rank unit dispatched responseRate score } } } }"""


async def test_an_untouched_appeal_past_its_deadline_is_marked_overdue_and_the_rates_change(
        gateway, stations, settings, token):
    staff = token("station_staff", district="110106")
    viewer = token("department_viewer", district="110106")
    now = datetime.now(UTC)
    # An emergency (contact and resolve due 2 h after receipt) received an hour ago: due in an hour.
    soon = await ok(gateway, IMPORT, {"i": {
        "serviceRequestId": f"12345-{uuid.uuid4().hex[:8]}", "serviceCode": "RIDER_INJURY",
        "serviceName": "骑手受伤求助", "requestedDatetime": (now - timedelta(hours=1)).isoformat(),
        "tier": "EMERGENCY", "district": "110106", "description": "某某在路口摔伤，电话 13800000000",
        "address": "丰台区某路口", "lat": 39.86, "long": 116.29}}, staff)
    handled = await ok(gateway, IMPORT, {"i": {
        "serviceRequestId": f"12345-{uuid.uuid4().hex[:8]}", "serviceCode": "RIDER_PAY",
        "serviceName": "工资拖欠", "requestedDatetime": (now - timedelta(minutes=5)).isoformat(),
        "tier": "GENERAL", "district": "110106"}}, staff)
    for appeal in (soon, handled):
        await ok(gateway, 'mutation($a: ID!) { dispatchAppeal(appealId: $a, unit: "丰台区人力社保局") { id } }',
                 {"a": appeal["importAppeal"]["id"]}, staff)
    contacted = await ok(gateway, 'mutation($a: ID!) { contactAppeal(appealId: $a) { position } }',
                         {"a": handled["importAppeal"]["id"]}, staff)
    await caught_up(gateway, viewer, [contacted["contactAppeal"]["position"]])
    month = now.astimezone(BEIJING).strftime("%Y-%m")
    before = (await ok(gateway, APPEALS, {"m": month}, viewer))["dashboard"]["appeals"]
    assert before["overdue"] == 0 and before["open"] == 2 and before["responseRate"] == 1.0

    async def marked() -> bool:
        figures = (await ok(gateway, APPEALS, {"m": month}, viewer))["dashboard"]["appeals"]
        return figures["overdue"] == 1
    # Nobody touches it; the scheduled process's clock moves on 90 minutes (the test does not wait them).
    deps = stations.app.state.runtime.deps
    deps.clock = Clock.shifted(timedelta(minutes=90))
    try:
        await eventually(marked, timeout=40)
    finally:
        deps.clock = Clock()
    after = (await ok(gateway, APPEALS, {"m": month}, viewer))["dashboard"]["appeals"]
    assert after["responseRate"] == 0.5 and after["resolutionRate"] == 0.0
    assert after["ranking"][0]["unit"] == "丰台区人力社保局" and after["ranking"][0]["responseRate"] == 0.5

    events = await read_topic(settings, settings.topic("xq.stations.appeal"), expect=7)
    mine = [e for e in events if e.data.get("appeal_id") == soon["importAppeal"]["id"]]
    assert [e.type for e in mine] == ["xq.stations.appeal.imported.v1", "xq.stations.appeal.dispatched.v1",
                                      "xq.stations.appeal.contact-overdue.v1",
                                      "xq.stations.appeal.resolution-overdue.v1"]
    raw = b"".join(e.kafka_value() for e in events)
    assert b"13800000000" not in raw and "丰台区某路口".encode() not in raw  # the caller's words stay home
    # Marking again changes nothing: the scheduled process is safe to repeat.
    rt = stations.app.state.runtime
    assert await mark_overdue(rt, datetime.now(UTC) + timedelta(minutes=90)) == 0


async def test_open311_import_names_bad_fields_stores_nothing_and_drops_personal_fields(stations, settings, token):
    staff = bearer(token("station_staff"))
    bad = {"service_request_id": "12345-BAD", "service_code": "X", "service_name": "诉求", "tier": "SOON",
           "district": "110105", "requested_datetime": "2026-11-01T09:00:00+08:00", "lat": 31.2, "long": 121.5}
    refused = await stations.post("/appeals/open311", json=bad, headers=staff)
    assert refused.status_code == 422
    assert {e["field"] for e in refused.json()["errors"]} == {"tier", "lat", "long"}
    naive = await stations.post("/appeals/open311", json={**bad, "tier": "GENERAL", "lat": None, "long": None,
                                                          "requested_datetime": "2026-11-01T09:00:00"}, headers=staff)
    assert naive.status_code == 422 and naive.json()["errors"][0]["field"] == "requested_datetime"

    good = {**bad, "service_request_id": "12345-GOOD", "tier": "GENERAL", "lat": 39.92, "long": 116.44,
            "first_name": "张", "last_name": "三", "phone": "13912345678", "email": "z@example.com",
            "description": "外卖骑手反映被拖欠三个月工资", "address": "朝阳区某小区"}
    created = await stations.post("/appeals/open311", json=good, headers=staff)
    assert created.status_code == 201, created.text
    again = await stations.post("/appeals/open311", json=good, headers=staff)
    assert again.status_code == 409 and again.json()["rule"] == "already_imported"

    conn = await asyncpg.connect(settings.database_url(settings.database("stations")))
    try:
        stored = await conn.fetchval("SELECT string_agg(data::text, '') FROM events WHERE stream_id LIKE 'appeal-%'")
        bad_stored = await conn.fetchval("SELECT count(*) FROM events WHERE data->>'service_request_id' = '12345-BAD'")
        details = await conn.fetchrow("SELECT * FROM appeal_details WHERE appeal_id = $1", created.json()["id"])
    finally:
        await conn.close()
    assert bad_stored == 0
    for secret in ("13912345678", "张", "z@example.com", "拖欠三个月", "朝阳区某小区"):
        assert secret not in stored
    # Kept at home only, sealed with the appeal's key (tests/integration/test_hot_topics.py reads it back).
    assert details["description"] is None and details["lat"] is None and details["sealed"]
    assert "拖欠三个月".encode() not in details["sealed"] and "13912345678" not in str(dict(details))


async def test_commands_need_the_station_staff_role_and_known_fields(stations, token):
    viewer = await stations.post("/events", headers=bearer(token("department_viewer")), json={
        "kind": "TALK", "title": "讲座", "district": "110105", "startsAt": "2026-12-01T19:00:00+08:00", "capacity": 5})
    assert viewer.status_code == 403
    unknown = await stations.post("/events", headers=bearer(token("station_staff")), json={
        "kind": "TALK", "title": "讲座", "district": "110105", "startsAt": "2026-12-01T19:00:00+08:00", "capacity": 5,
        "secretField": 1})
    assert unknown.status_code == 422 and unknown.json()["errors"][0]["field"] == "secretField"
    missing = await stations.post(f"/programmes/{uuid.uuid4()}/enrolments", headers=bearer(token("station_staff")),
                                  json={"youthId": str(uuid.uuid4())})
    assert missing.status_code == 404


def registry_event(kind: str, youth_id: str, **data) -> Envelope:
    return Envelope(id=uuid.uuid4(), type=f"xq.registry.youth.{kind}.v1", source="/xinqing/registry",
                    subject=f"youth-{youth_id}", stream_version=1, time=datetime.now(UTC),
                    data={"youth_id": youth_id, **data})


async def test_withdrawal_and_erasure_from_the_registry_take_effect_at_the_stations(stations):
    """The agreed registry contract, applied by the stations' projection on its real database."""
    projection = KnownYouthProjection(stations.app.state.runtime)
    pool = stations.app.state.runtime.pool
    youth = str(uuid.uuid4())
    async with pool.acquire() as conn, conn.transaction():
        await projection.apply(conn, registry_event("registered", youth, consents=["REGISTRATION"]))
        assert await consenting_youth(conn, {youth}) == set()
        await projection.apply(conn, registry_event("consent-given", youth, purpose="SERVICE_RECORDS"))
        assert await consenting_youth(conn, {youth}) == {youth}
        await projection.apply(conn, registry_event("consent-withdrawn", youth, purpose="SERVICE_RECORDS"))
        assert await consenting_youth(conn, {youth}) == set()
        await projection.apply(conn, registry_event("consent-given", youth, purpose="SERVICE_RECORDS"))
        await conn.execute("INSERT INTO health_record_subjects (record_id, youth_id) VALUES ($1, $2)",
                           str(uuid.uuid4()), youth)
        await projection.apply(conn, registry_event("erased", youth, erased_on="2026-11-29"))
        assert await consenting_youth(conn, {youth}) == set()
        assert await conn.fetchval("SELECT count(*) FROM health_record_subjects WHERE youth_id = $1", youth) == 0


async def test_without_a_radius_the_search_widens_until_it_finds_stations(gateway, token):
    staff = token("station_staff")
    await create_station(gateway, staff, "密云远郊驿站", 40.55, 117.05, district="110118", kind="WARM_HEART",
                         services=("FREE_CLINIC",))
    query = """query { nearestStations(lat: 40.10, lon: 116.90, service: FREE_CLINIC, limit: 1) { name distanceKm } }"""

    async def found() -> bool:
        data = await ok(gateway, query, token=staff)
        return [s["name"] for s in data["nearestStations"]] == ["密云远郊驿站"]
    await eventually(found, timeout=20)
    data = await ok(gateway, query, token=staff)
    assert 50 < data["nearestStations"][0]["distanceKm"] < 70  # far beyond the first 5 km box
