"""gateway.schema.common.body: a strawberry input (or keyword arguments) as the service's JSON body. Each
body here is read by the service's own request model (extra fields refused), so a name the two sides
spell differently, or a value in a form the service cannot read, fails here."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import strawberry

from gateway.schema.assignees import AssigneeKind
from gateway.schema.cases.mutations import OpenCaseInput
from gateway.schema.cases.types import Category, Urgency
from gateway.schema.common import body
from gateway.schema.joint.mutations import ActionItemInput, DecisionInput, RecordJointMeetingInput
from gateway.schema.joint.types import JointMeetingLevel
from gateway.schema.youth.mutations import RegisterYouthInput, UpdateYouthProfileInput
from gateway.schema.youth.types import ConsentPurpose, Gender, Need, Subtype, YouthType
from services.branches.api.joint_meetings import RecordJointMeetingRequest
from services.registry.api.youth import RegisterYouthRequest, UpdateProfileRequest
from services.stations.api.cases import OpenCaseRequest

AT = datetime(2026, 5, 4, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def test_every_field_travels_in_camel_case_with_enums_by_value_and_times_in_iso_8601():
    sent = body(OpenCaseInput(category=Category.WAGE_ARREARS, district="110105", summary="欠薪三个月",
                              urgency=Urgency.URGENT, station_id=strawberry.ID("s-1"), at=AT))
    assert sent == {"category": "WAGE_ARREARS", "district": "110105", "summary": "欠薪三个月", "urgency": "URGENT",
                    "stationId": "s-1", "at": "2026-05-04T09:30:00+08:00"}  # youthId, appealId: None, left out
    read = OpenCaseRequest.model_validate(sent)
    assert (read.category, read.urgency, read.station_id, read.at) == ("WAGE_ARREARS", "URGENT", "s-1", AT)


def test_nested_inputs_and_lists_become_bodies_item_by_item():
    item = ActionItemInput(title="出台办法", assignee_kind=AssigneeKind.DEPARTMENT, assignee="RSJ", due_on=date(2026, 6, 30))
    sent = body(RecordJointMeetingInput(level=JointMeetingLevel.CITY, held_on=date(2026, 5, 4), attending=["RSJ"],
                                        topics=["欠薪"], decisions=[DecisionInput(text="专项行动", items=[item])]))
    assert sent["decisions"] == [{"text": "专项行动", "items": [
        {"title": "出台办法", "assigneeKind": "DEPARTMENT", "assignee": "RSJ", "dueOn": "2026-06-30"}]}]
    assert "district" not in sent
    read = RecordJointMeetingRequest.model_validate(sent)
    assert read.decisions[0].items[0].due_on == date(2026, 6, 30) and read.held_on == date(2026, 5, 4)


def test_a_registration_reaches_the_registry_whole():
    sent = body(RegisterYouthInput(
        name="张三", gender=Gender.MALE, birth_date=date(2000, 1, 2), mobile="13800138000", district="110105",
        youth_type=YouthType.NEW_BUSINESS, subtype=Subtype.DELIVERY_RIDER, consents=[ConsentPurpose.REGISTRATION],
        needs=[Need.SOCIAL_SECURITY], registered_on=date(2026, 5, 1)))
    read = RegisterYouthRequest.model_validate(sent)
    assert (read.birth_date, read.youth_type, read.consents, read.registered_on) == (
        date(2000, 1, 2), "NEW_BUSINESS", ["REGISTRATION"], date(2026, 5, 1))
    assert [n.value for n in read.needs] == ["SOCIAL_SECURITY"]


def test_a_profile_change_sends_only_the_fields_given_and_null_clears_one():
    sent = body(UpdateYouthProfileInput(mobile="13900139000", wechat=None), expected_version=3)
    assert sent == {"mobile": "13900139000", "wechat": None, "expectedVersion": 3}
    assert UpdateProfileRequest.model_validate(sent).model_fields_set == {"mobile", "wechat", "expected_version"}


def test_keyword_arguments_none_left_out_decimals_exact():
    assert body(amount=Decimal("1200.50"), paid_on=date(2026, 5, 4), reason=None) == {
        "amount": "1200.50", "paidOn": "2026-05-04"}
