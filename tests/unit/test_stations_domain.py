"""Stations rules — stations, service records, programmes, events — Given / When / Then (no IO)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from chassis.errors import RuleViolated, ValidationFailed
from services.stations.domain import activity, programme, service_record, station

CREATE = station.CreateStation(station_id="s1", kind="RIDER_REFUEL", name="望京小哥加油站", district="110105",
                               address="朝阳区望京街 1 号", lat=39.99, lon=116.47, operator="TRADE_UNION",
                               opening_hours="每天 9:00–21:00", services=("REST", "HEALTH_CHECK", "REST"))
NOW = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def fields_of(exc: pytest.ExceptionInfo) -> set[str]:
    return {e.field for e in exc.value.errors}


def rule_of(exc: pytest.ExceptionInfo) -> str:
    return exc.value.details["rule"]


# ---- stations ------------------------------------------------------------------------------------

def test_creating_a_station_opens_it_with_its_services_deduplicated():
    [event] = station.station.run([], CREATE)
    assert event == station.StationCreated(station_id="s1", kind="RIDER_REFUEL", name="望京小哥加油站",
                                           district="110105", address="朝阳区望京街 1 号", lat=39.99, lon=116.47,
                                           operator="TRADE_UNION", opening_hours="每天 9:00–21:00",
                                           services=["HEALTH_CHECK", "REST"])
    assert station.station.fold([event]).status == "OPEN"


def test_a_station_outside_beijing_or_with_unknown_values_is_refused_naming_each_field():
    bad = replace(CREATE, lat=31.23, lon=121.47, kind="CAFE", district="310101", operator="NOBODY",
                  services=("MASSAGE",), name=" ")
    with pytest.raises(ValidationFailed) as refused:
        station.station.run([], bad)
    assert fields_of(refused) == {"lat", "lon", "kind", "district", "operator", "services", "name"}


def test_creating_a_station_twice_is_refused():
    given = station.station.run([], CREATE)
    with pytest.raises(RuleViolated) as refused:
        station.station.run(given, CREATE)
    assert rule_of(refused) == "already_exists"


def test_status_changes_and_a_closed_station_is_final():
    given = station.station.run([], CREATE)
    [paused] = station.station.run(given, station.ChangeStationStatus("TEMPORARILY_CLOSED", "装修"))
    assert paused.status == "TEMPORARILY_CLOSED" and paused.reason == "装修"
    with pytest.raises(RuleViolated) as unchanged:
        station.station.run([*given, paused], station.ChangeStationStatus("TEMPORARILY_CLOSED"))
    assert rule_of(unchanged) == "unchanged"
    [closed] = station.station.run([*given, paused], station.ChangeStationStatus("CLOSED"))
    with pytest.raises(RuleViolated) as final:
        station.station.run([*given, paused, closed], station.ChangeStationStatus("OPEN"))
    assert rule_of(final) == "closed"
    with pytest.raises(ValidationFailed) as bad:
        station.station.run(given, station.ChangeStationStatus("SLEEPING"))
    assert fields_of(bad) == {"status"}


def test_changing_a_missing_station_is_refused():
    with pytest.raises(RuleViolated) as refused:
        station.station.run([], station.ChangeStationServices(("REST",)))
    assert rule_of(refused) == "not_found"


# ---- service records -----------------------------------------------------------------------------

def record(key: str, service: str = "REST", youth: str | None = None, at: datetime = NOW):
    return service_record.ServiceRecord(idempotency_key=key, service_type=service, delivered_at=at, youth_id=youth)


YOUTH = "6a1f7f2e-9c43-4a5e-8d8e-3b9d3f0e6a11"


def test_records_become_person_times_and_health_records_leave_without_the_youth_id():
    state = station.station.fold(station.station.run([], CREATE))
    late_evening = datetime(2026, 11, 30, 16, 30, tzinfo=UTC)  # 00:30 on 1 December in Beijing
    events = service_record.decide_records(service_record.RecordServices("s1", (
        record("k1", "HAIRCUT", YOUTH), record("k2", "HEALTH_CHECK", YOUTH), record("k3", "REST"),
        record("k4", "FREE_CLINIC", None, late_evening)), NOW + timedelta(days=2), named=frozenset({YOUTH})), state)
    assert [(e.service_type, e.youth_id, e.registered) for e in events] == [
        ("HAIRCUT", YOUTH, True), ("HEALTH_CHECK", None, True), ("REST", None, False), ("FREE_CLINIC", None, False)]
    assert events[3].delivered_on == "2026-12-01"  # the Beijing day, not the UTC one
    assert {e.district for e in events} == {"110105"} and {e.station_kind for e in events} == {"RIDER_REFUEL"}
    assert events[0].record_id == service_record.record_id("s1", "k1")  # stable: a retry names the same record


def test_a_youth_without_service_records_consent_is_counted_anonymously():
    state = station.station.fold(station.station.run([], CREATE))
    stranger = "0d5c3a52-7f6f-4a8e-9a57-8f9a3b1c2d4e"
    events = service_record.decide_records(service_record.RecordServices(
        "s1", (record("k1", "HAIRCUT", stranger), record("k2", "HAIRCUT", YOUTH)), NOW, named=frozenset({YOUTH})),
        state)
    assert [(e.youth_id, e.registered) for e in events] == [(None, False), (YOUTH, True)]


def test_a_bad_record_refuses_the_batch_naming_its_position_and_field():
    command = service_record.RecordServices("s1", (
        record("k1"), record("k1"), record("", "MASSAGE"), record("k4", youth="王小明"),
        record("k5", at=NOW + timedelta(hours=1)), record("k6", at=datetime(2026, 11, 29, 9, 0))), NOW)
    with pytest.raises(ValidationFailed) as refused:
        service_record.validate_batch(command)
    assert fields_of(refused) == {"records[1].idempotencyKey", "records[2].idempotencyKey",
                                  "records[2].serviceType", "records[3].youthId", "records[4].deliveredAt",
                                  "records[5].deliveredAt"}


def test_records_for_a_missing_or_closed_station_are_refused():
    command = service_record.RecordServices("s1", (record("k1"),), NOW)
    with pytest.raises(RuleViolated) as missing:
        service_record.decide_records(command, station.StationState())
    assert rule_of(missing) == "station_not_found"
    given = station.station.run([], CREATE)
    closed = station.station.run(given, station.ChangeStationStatus("CLOSED"))
    with pytest.raises(RuleViolated) as refused:
        service_record.decide_records(command, station.station.fold([*given, *closed]))
    assert rule_of(refused) == "station_closed"


def test_a_day_stream_is_named_by_the_beijing_day():
    assert service_record.stream_id("s1", date(2026, 12, 1)) == "visits-s1-20261201"


# ---- programmes ----------------------------------------------------------------------------------

PROGRAMME = programme.CreateProgramme("p1", "新青年学堂骑手班", "rider_diploma", "110105", date(2026, 3, 1))


def enrolled():
    prog = programme.programme.run([], PROGRAMME)
    session = programme.programme.run(prog, programme.AddSession("sess1", "高数复习", NOW))
    state = programme.programme.fold([*prog, *session])
    return state, programme.enrolment.run([], programme.Enrol(state, "y1", date(2026, 3, 2)))


def test_enrolment_attendance_exam_and_scholarship_in_order():
    prog, given = enrolled()
    assert given == [programme.Enrolled("p1", "y1", "110105", date(2026, 3, 2))]
    attended = programme.enrolment.run(given, programme.RecordAttendance(prog, "sess1"))
    passed = programme.enrolment.run([*given, *attended], programme.RecordExamResult("PASSED", date(2026, 10, 20)))
    [paid] = programme.enrolment.run([*given, *attended, *passed],
                                     programme.PayScholarship(Decimal("2000.00"), date(2026, 11, 1)))
    assert paid == programme.ScholarshipPaid("p1", "y1", Decimal("2000.00"), date(2026, 11, 1))
    with pytest.raises(RuleViolated) as twice:
        programme.enrolment.run([*given, *attended, *passed, paid],
                                programme.PayScholarship(Decimal("1"), date(2026, 11, 2)))
    assert rule_of(twice) == "already_paid"


def test_programme_rules_refuse_illegal_steps():
    prog, given = enrolled()
    with pytest.raises(RuleViolated) as again:
        programme.enrolment.run(given, programme.Enrol(prog, "y1", date(2026, 3, 3)))
    assert rule_of(again) == "already_enrolled"
    with pytest.raises(RuleViolated) as no_session:
        programme.enrolment.run(given, programme.RecordAttendance(prog, "nope"))
    assert rule_of(no_session) == "session_not_found"
    with pytest.raises(RuleViolated) as not_passed:
        programme.enrolment.run(given, programme.PayScholarship(Decimal("100"), date(2026, 11, 1)))
    assert rule_of(not_passed) == "exam_not_passed"
    failed = programme.enrolment.run(given, programme.RecordExamResult("FAILED", date(2026, 10, 20)))
    with pytest.raises(RuleViolated) as recorded:
        programme.enrolment.run([*given, *failed], programme.RecordExamResult("PASSED", date(2026, 10, 21)))
    assert rule_of(recorded) == "result_recorded"
    with pytest.raises(ValidationFailed) as amount:
        programme.enrolment.run(given, programme.PayScholarship(Decimal("-5"), date(2026, 11, 1)))
    assert fields_of(amount) == {"amount"}
    with pytest.raises(ValidationFailed) as result:
        programme.enrolment.run(given, programme.RecordExamResult("MAYBE", date(2026, 10, 20)))
    assert fields_of(result) == {"result"}
    with pytest.raises(RuleViolated) as not_enrolled:
        programme.enrolment.run([], programme.RecordAttendance(prog, "sess1"))
    assert rule_of(not_enrolled) == "not_enrolled"
    with pytest.raises(RuleViolated) as no_programme:
        programme.enrolment.run([], programme.Enrol(programme.ProgrammeState(), "y1", date(2026, 3, 3)))
    assert rule_of(no_programme) == "programme_not_found"


# ---- events --------------------------------------------------------------------------------------

SCHEDULE = activity.ScheduleActivity("e1", "SALON", "设计青年沙龙", "110105", NOW, capacity=2)


def test_registration_beyond_capacity_is_refused_with_a_clear_error():
    given = activity.activity.run([], SCHEDULE)
    given += activity.activity.run(given, activity.RegisterForActivity("y1"))
    given += activity.activity.run(given, activity.RegisterForActivity("y2"))
    with pytest.raises(RuleViolated) as full:
        activity.activity.run(given, activity.RegisterForActivity("y3"))
    assert rule_of(full) == "capacity_reached" and full.value.details["capacity"] == 2
    assert "名额已满" in full.value.message


def test_attendance_needs_registration_and_counts_once():
    given = activity.activity.run([], SCHEDULE)
    given += activity.activity.run(given, activity.RegisterForActivity("y1"))
    with pytest.raises(RuleViolated) as stranger:
        activity.activity.run(given, activity.RecordActivityAttendance("y9"))
    assert rule_of(stranger) == "not_registered"
    given += activity.activity.run(given, activity.RecordActivityAttendance("y1"))
    with pytest.raises(RuleViolated) as twice:
        activity.activity.run(given, activity.RecordActivityAttendance("y1"))
    assert rule_of(twice) == "already_attended"
    with pytest.raises(RuleViolated) as again:
        activity.activity.run(given, activity.RegisterForActivity("y1"))
    assert rule_of(again) == "already_registered"


def test_an_event_needs_a_kind_a_capacity_and_an_aware_start():
    bad = replace(SCHEDULE, kind="PARTY", capacity=0, starts_at=datetime(2026, 12, 1, 19, 0), district="x")
    with pytest.raises(ValidationFailed) as refused:
        activity.activity.run([], bad)
    assert fields_of(refused) == {"kind", "capacity", "startsAt", "district"}
