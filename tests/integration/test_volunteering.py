"""Volunteering (issue 19) through GraphQL on the real stack: staff publish a shift at a station, a young
person signs up with their own token, staff record their hours twice (counted once), `me` shows the hours,
certificates are numbered, the dashboard's figure moves, and erasure leaves the figure but not the person."""
from __future__ import annotations

from datetime import datetime, timedelta

from chassis.clock import BEIJING
from tests.integration.stations_support import caught_up, create_station, ok
from tests.registry_support import data, fields_named, gql, person, refusal
from tests.support import eventually, service_db

PUBLISH = "mutation($i: PublishShiftInput!) { publishVolunteerShift(input: $i) { id position } }"
SIGN_UP = "mutation($s: ID!) { signUpForShift(shiftId: $s) { id position } }"
RECORD = "mutation($s: ID!, $y: ID!, $h: Float!) { recordVolunteerHours(shiftId: $s, youthId: $y, hours: $h) " \
         "{ id position } }"
CORRECT = "mutation($s: ID!, $y: ID!, $h: Float!) { correctVolunteerHours(shiftId: $s, youthId: $y, hours: $h, " \
          "reason: \"提前离开\") { id position } }"
MINE = "{ me { volunteering { hours shifts } } }"
MY_CERTIFICATE = "{ myVolunteerCertificate { number youthId hours shifts byPlace { stationId eventId hours } } }"
CERTIFICATE = "query($y: ID!) { volunteerCertificate(youthId: $y) { number hours byPlace { stationId hours } } }"
FIGURES = "{ dashboard { volunteering { shifts volunteerHours served } } }"


async def test_a_shift_signed_up_recorded_twice_counts_once_certified_and_survives_erasure(gateway, stations, settings,
                                                                                          token):
    staff = token("station_staff", district="110105")
    rider = token("youth", subject="wx-volunteer")
    youth_id = data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                              {"i": person()}, rider))["registerMe"]["id"]
    station = (await create_station(gateway, staff, "志愿测试驿站", 39.93, 116.46))["id"]
    known = stations.app.state.runtime.projections["stations.youth"]
    assert await known.wait_for(f"youth-{youth_id}@1", 30)  # staff name only a person the registry registered
    before = (await ok(gateway, FIGURES, token=staff))["dashboard"]["volunteering"]

    starts = datetime.now(BEIJING).replace(microsecond=0) + timedelta(days=1)
    shift_input = {"district": "110105", "startsAt": starts.isoformat(), "endsAt": (starts + timedelta(hours=4)).isoformat(),
                   "places": 5, "stationId": station}
    shift = (await ok(gateway, PUBLISH, {"i": shift_input}, staff))["publishVolunteerShift"]["id"]
    # another district's staff may not publish here, and a shift needs a place
    elsewhere = await gql(gateway, PUBLISH, {"i": shift_input | {"district": "110108"}}, staff)
    assert refusal(elsewhere)[:2] == ("FORBIDDEN", "district")
    nowhere = await gql(gateway, PUBLISH, {"i": shift_input | {"stationId": None}}, staff)
    assert refusal(nowhere)[0] == "VALIDATION" and "stationId" in fields_named(nowhere)

    await ok(gateway, SIGN_UP, {"s": shift}, rider)
    assert refusal(await gql(gateway, SIGN_UP, {"s": shift}, rider))[1] == "already_signed_up"
    too_long = await gql(gateway, RECORD, {"s": shift, "y": youth_id, "h": 4.5}, staff)
    assert refusal(too_long)[0] == "VALIDATION" and fields_named(too_long) == {"hours"}

    first = (await ok(gateway, RECORD, {"s": shift, "y": youth_id, "h": 3.5}, staff))["recordVolunteerHours"]
    again = (await ok(gateway, RECORD, {"s": shift, "y": youth_id, "h": 3.5}, staff))["recordVolunteerHours"]
    assert again == first  # the repeat appended nothing: the same version and position
    assert refusal(await gql(gateway, RECORD, {"s": shift, "y": youth_id, "h": 2}, staff))[1] == "already_recorded"

    assert (await ok(gateway, MINE, token=rider))["me"]["volunteering"] == {"hours": 3.5, "shifts": 1}
    mine = (await ok(gateway, MY_CERTIFICATE, token=rider))["myVolunteerCertificate"]
    assert mine["youthId"] == youth_id and mine["hours"] == 3.5 and mine["shifts"] == 1
    assert mine["byPlace"] == [{"stationId": station, "eventId": None, "hours": 3.5}]
    theirs = (await ok(gateway, CERTIFICATE, {"y": youth_id}, staff))["volunteerCertificate"]
    assert theirs["number"] > mine["number"] and theirs["hours"] == 3.5  # each issue has its own number
    other_staff = token("station_staff", district="110108")  # certifies only their district's hours: none here
    assert refusal(await gql(gateway, CERTIFICATE, {"y": youth_id}, other_staff))[0] == "NOT_FOUND"
    assert refusal(await gql(gateway, MY_CERTIFICATE, token=staff))[:2] == ("FORBIDDEN", "role")

    corrected = (await ok(gateway, CORRECT, {"s": shift, "y": youth_id, "h": 3}, staff))["correctVolunteerHours"]
    await caught_up(gateway, staff, [first["position"], corrected["position"]])
    after = (await ok(gateway, FIGURES, token=staff))["dashboard"]["volunteering"]
    assert after == {"shifts": before["shifts"] + 1, "volunteerHours": before["volunteerHours"] + 3,
                     "served": before["served"] + 1}
    assert (await ok(gateway, MINE, token=rider))["me"]["volunteering"] == {"hours": 3.0, "shifts": 1}

    shift2 = (await ok(gateway, PUBLISH, {"i": shift_input}, staff))["publishVolunteerShift"]["id"]
    add = "mutation($s: ID!, $y: ID!) { addVolunteer(shiftId: $s, youthId: $y) { id } }"
    await ok(gateway, add, {"s": shift2, "y": youth_id}, staff)  # staff add a walk-in volunteer
    data(await gql(gateway, "mutation { eraseMe { id } }", token=rider))

    async def forgotten() -> bool:
        async with service_db(settings, "stations") as conn:
            hours = await conn.fetchval("SELECT count(*) FROM youth_volunteer_hours WHERE youth_id = $1", youth_id)
            certificates = await conn.fetchval("SELECT count(*) FROM volunteer_certificates WHERE youth_id = $1",
                                               youth_id)
            numbers = await conn.fetchval("SELECT count(*) FROM volunteer_certificates WHERE number = ANY($1::bigint[])",
                                          [mine["number"], theirs["number"]])
        return hours == 0 and certificates == 0 and numbers == 2
    await eventually(forgotten)
    assert refusal(await gql(gateway, CERTIFICATE, {"y": youth_id}, staff))[0] == "NOT_FOUND"
    figures = (await ok(gateway, FIGURES, token=staff))["dashboard"]["volunteering"]
    assert (figures["volunteerHours"], figures["served"]) == (after["volunteerHours"], after["served"])  # they stay
    # an erased person is never linked to hours again
    assert refusal(await gql(gateway, RECORD, {"s": shift2, "y": youth_id, "h": 1}, staff))[0] == "NOT_FOUND"
