"""exportMyData (PIPL Art. 45) gives everything held on the person, across the services: the registry's
record, the branch membership's history, the services received, bookings, enrolments and ratings; and
after eraseMe (Art. 47) the stations service keeps none of its own rows on the person."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from chassis.clock import BEIJING
from tests.integration.stations_support import RECORD, create_station
from tests.registry_support import data, gql, person
from tests.support import eventually, service_db


async def test_the_export_holds_memberships_services_bookings_enrolments_and_ratings(gateway, stations, settings,
                                                                                    token):
    admin = token("admin")
    rider = token("youth", subject="wx-export-all")
    youth_id = data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id position } }",
                              {"i": person(consents=["REGISTRATION", "SERVICE_RECORDS"])}, rider))["registerMe"]["id"]
    branch = data(await gql(gateway, "mutation F($i: FoundBranchInput!) { foundBranch(input: $i) { id } }",
                            {"i": {"name": "导出测试团支部", "kind": "MOBILE", "district": "110105"}}, admin))
    branch_id = branch["foundBranch"]["id"]
    code = data(await gql(gateway, "mutation I($b: ID!) { issueInvitation(branchId: $b) { code } }",
                          {"b": branch_id}, admin))["issueInvitation"]["code"]
    data(await gql(gateway, "mutation J($c: String!) { joinBranchWithCode(code: $c) { id } }", {"c": code}, rider))

    station = (await create_station(gateway, admin, "导出测试驿站", 39.95, 116.45))["id"]
    known = stations.app.state.runtime.projections["stations.youth"]
    assert await known.wait_for(f"youth-{youth_id}@1", 30)  # the stations service knows the person and consent
    now = datetime.now(BEIJING)
    data(await gql(gateway, RECORD, {"station": station, "records": [
        {"idempotencyKey": str(uuid.uuid4()), "serviceType": "REST", "deliveredAt": now.isoformat(), "youthId": youth_id},
        {"idempotencyKey": str(uuid.uuid4()), "serviceType": "REST", "deliveredAt": now.isoformat()}]}, admin))
    event = data(await gql(gateway, """mutation S($at: DateTime!) { scheduleEvent(kind: "TALK", title: "权益讲座",
        district: "110105", startsAt: $at, capacity: 10) { id } }""", {"at": (now + timedelta(days=1)).isoformat()},
                           admin))["scheduleEvent"]["id"]
    data(await gql(gateway, "mutation B($e: ID!) { bookEvent(eventId: $e) { id } }", {"e": event}, rider))
    data(await gql(gateway, "mutation R($s: ID!, $on: Date!) { rateService(stationId: $s, on: $on, score: 4, "
                            "comment: \"挺好\") { id } }", {"s": station, "on": now.date().isoformat()}, rider))

    exported = data(await gql(gateway, "mutation { exportMyData }", token=rider))["exportMyData"]
    assert exported["id"] == youth_id and exported["history"]  # the registry's part as before
    [joined] = exported["memberships"]
    assert joined["type"] == "xq.branches.membership.joined-with-invitation.v1"
    assert joined["fields"]["branch_id"] == branch_id
    assert [(s["stationId"], s["serviceType"]) for s in exported["services"]] == [(station, "REST")]  # the named one
    assert [b["eventId"] for b in exported["bookings"]] == [event]
    assert exported["enrolments"] == []
    assert exported["ratings"] == [{"stationId": station, "on": now.date().isoformat(), "score": 4, "comment": "挺好"}]

    data(await gql(gateway, "mutation { eraseMe { id } }", token=rider))
    own = ("youth_bookings", "youth_enrolments", "youth_ratings", "youth_services")

    async def forgotten() -> bool:
        async with service_db(settings, "stations") as conn:
            counts = [await conn.fetchval(f"SELECT count(*) FROM {t} WHERE youth_id = $1", youth_id) for t in own]
        return counts == [0, 0, 0, 0]
    await eventually(forgotten)
