"""A young person's own steps at the stations with their own token, on the real stack: book an event and
give the place back (capacity respected), enrol in a programme, rate a station's service once a day;
`me { bookings enrolments }`; nothing on anyone else's behalf."""
from __future__ import annotations

import asyncio
import uuid
from datetime import datetime, timedelta

from chassis.clock import BEIJING
from tests.integration.stations_support import caught_up, create_station
from tests.registry_support import code, data, gql, person
from tests.support import bearer

BOOK = "mutation B($e: ID!) { bookEvent(eventId: $e) { id version position } }"
CANCEL = "mutation C($e: ID!) { cancelBooking(eventId: $e) { id position } }"
ENROL = "mutation E($p: ID!) { enrolInProgramme(programmeId: $p) { id } }"
RATE = ("mutation R($s: ID!, $on: Date!, $score: Int!, $c: String) "
        "{ rateService(stationId: $s, on: $on, score: $score, comment: $c) { id } }")
MINE = "{ me { bookings { eventId title } enrolments { programmeId name } } }"


def rule(result: dict) -> str:
    return result["errors"][0]["extensions"].get("rule")


async def register_me(gateway, t: str) -> str:
    return data(await gql(gateway, "mutation R($i: RegisterMeInput!) { registerMe(input: $i) { id } }",
                          {"i": person()}, t))["registerMe"]["id"]


async def schedule(gateway, admin: str, capacity: int, starts_in: timedelta = timedelta(days=3)) -> str:
    starts = (datetime.now(BEIJING) + starts_in).isoformat()
    return data(await gql(gateway, """mutation S($at: DateTime!, $c: Int!) { scheduleEvent(kind: "SALON",
        title: "骑手沙龙", district: "110105", startsAt: $at, capacity: $c) { id } }""",
                          {"at": starts, "c": capacity}, admin))["scheduleEvent"]["id"]


async def registered(gateway, admin: str, event_id: str) -> int:
    events = data(await gql(gateway, "{ events(first: 100) { nodes { id registered } } }", token=admin))["events"]
    return next(e["registered"] for e in events["nodes"] if e["id"] == event_id)


async def test_booking_respects_capacity_and_a_cancelled_place_is_free_again(gateway, token):
    admin = token("admin")
    riders = [token("youth", subject=f"wx-book-{i}") for i in range(3)]
    for rider in riders:
        await register_me(gateway, rider)
    event = await schedule(gateway, admin, capacity=2)

    first = data(await gql(gateway, BOOK, {"e": event}, riders[0]))["bookEvent"]
    await caught_up(gateway, admin, [first["position"]])
    assert await registered(gateway, admin, event) == 1  # the remaining places dropped by one
    assert rule(await gql(gateway, BOOK, {"e": event}, riders[0])) == "already_registered"
    data(await gql(gateway, BOOK, {"e": event}, riders[1]))
    full = await gql(gateway, BOOK, {"e": event}, riders[2])
    assert code(full) == "RULE_VIOLATED" and rule(full) == "capacity_reached"
    assert "名额已满" in full["errors"][0]["message"]

    assert data(await gql(gateway, MINE, token=riders[0]))["me"]["bookings"] == [{"eventId": event, "title": "骑手沙龙"}]
    cancelled = data(await gql(gateway, CANCEL, {"e": event}, riders[0]))["cancelBooking"]
    assert data(await gql(gateway, MINE, token=riders[0]))["me"]["bookings"] == []
    booked = data(await gql(gateway, BOOK, {"e": event}, riders[2]))["bookEvent"]
    await caught_up(gateway, admin, [cancelled["position"], booked["position"]])
    assert await registered(gateway, admin, event) == 2
    assert rule(await gql(gateway, CANCEL, {"e": event}, riders[0])) == "not_registered"


async def test_riders_racing_for_the_last_place_one_gets_it(gateway, token):
    riders = [token("youth", subject=f"wx-race-{i}") for i in range(3)]
    for rider in riders:
        await register_me(gateway, rider)
    event = await schedule(gateway, token("admin"), capacity=1)
    results = await asyncio.gather(*(gql(gateway, BOOK, {"e": event}, rider) for rider in riders))
    assert sum("errors" not in r for r in results) == 1
    assert sorted(rule(r) for r in results if "errors" in r) == ["capacity_reached", "capacity_reached"]


async def test_a_started_event_takes_no_booking(gateway, token):
    rider = token("youth", subject="wx-book-late")
    await register_me(gateway, rider)
    event = await schedule(gateway, token("admin"), capacity=5, starts_in=timedelta(hours=-1))
    assert rule(await gql(gateway, BOOK, {"e": event}, rider)) == "event_started"


async def test_enrolling_in_a_programme_and_rating_a_station_once_a_day(gateway, token):
    admin = token("admin")
    rider = token("youth", subject="wx-enrol-rate")
    await register_me(gateway, rider)
    programme = data(await gql(gateway, """mutation { createProgramme(name: "新青年学堂骑手班", kind: "RIDER_DIPLOMA",
        district: "110108", startsOn: "2026-12-01") { id } }""", token=admin))["createProgramme"]["id"]
    data(await gql(gateway, ENROL, {"p": programme}, rider))  # a programme of another district: open to anyone
    assert rule(await gql(gateway, ENROL, {"p": programme}, rider)) == "already_enrolled"
    assert data(await gql(gateway, MINE, token=rider))["me"]["enrolments"] == [
        {"programmeId": programme, "name": "新青年学堂骑手班"}]

    station = (await create_station(gateway, admin, "望京小哥加油站", 39.99, 116.47))["id"]
    today = datetime.now(BEIJING).date().isoformat()
    data(await gql(gateway, RATE, {"s": station, "on": today, "score": 5, "c": "热水很方便"}, rider))
    again = await gql(gateway, RATE, {"s": station, "on": today, "score": 4}, rider)
    assert rule(again) == "already_rated"
    assert code(await gql(gateway, RATE, {"s": station, "on": today, "score": 6}, rider)) == "VALIDATION"
    yesterday = (datetime.now(BEIJING).date() - timedelta(days=1)).isoformat()
    data(await gql(gateway, RATE, {"s": station, "on": yesterday, "score": 3}, rider))


async def test_unknown_ids_answer_not_found_and_nobody_acts_for_another_person(gateway, stations, token):
    alice, bob = token("youth", subject="wx-st-alice"), token("youth", subject="wx-st-bob")
    alice_id = await register_me(gateway, alice)
    await register_me(gateway, bob)
    admin = token("admin")
    event = await schedule(gateway, admin, capacity=5)
    data(await gql(gateway, BOOK, {"e": event}, alice))
    today = datetime.now(BEIJING).date().isoformat()
    nothing = str(uuid.uuid4())
    for query, variables in ((BOOK, {"e": nothing}), (CANCEL, {"e": nothing}), (ENROL, {"p": nothing}),
                             (RATE, {"s": nothing, "on": today, "score": 4})):
        assert code(await gql(gateway, query, variables, bob)) == "NOT_FOUND"
    # Bob cannot give back Alice's place: his own cancel says he holds none, hers stays.
    assert rule(await gql(gateway, CANCEL, {"e": event}, bob)) == "not_registered"
    assert [b["eventId"] for b in data(await gql(gateway, MINE, token=alice))["me"]["bookings"]] == [event]
    # Staff mutations that name a person: FORBIDDEN for a youth token, for Alice's id and for an id of nothing.
    for youth_id in (alice_id, nothing):
        result = await gql(gateway, "mutation R($e: ID!, $y: ID!) { registerForEvent(eventId: $e, youthId: $y) { id } }",
                           {"e": event, "y": youth_id}, bob)
        assert code(result) == "FORBIDDEN" and rule(result) == "role"
    # The stations service refuses a youth token on its staff routes itself, and a staff token on the own ones.
    staff_route = await stations.post(f"/events/{event}/registrations", json={"youthId": alice_id},
                                      headers=bearer(bob))
    assert staff_route.status_code == 403
    assert (await stations.post("/me/bookings", json={"eventId": event}, headers=bearer(admin))).status_code == 403
    never = token("youth", subject="wx-st-never-registered")
    assert code(await gql(gateway, BOOK, {"e": event}, never)) == "NOT_FOUND"
