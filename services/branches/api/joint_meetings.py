"""Joint meetings (市/区青年工作联席会议): the record of a meeting, whose decisions become action items.
The city's meeting is recorded by the city's league office (a city-wide admin token), a district's by
that district's league committee (an admin token of the district) or the city's office."""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.commands import accepted, transaction
from chassis.errors import Forbidden
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import record_joint_meeting
from ..domain import joint_meeting as jm
from .common import rt_of, stores, today

router = APIRouter(prefix="/joint-meetings", tags=["joint meetings"])
OFFICES = ("admin",)  # the league committees that run the joint meetings


class ItemBody(ApiModel):
    title: str
    assignee_kind: str = Field(description="DEPARTMENT（成员单位）| DISTRICT（区）")
    assignee: str = Field(description="成员单位代码（如 RSJ）或区县代码（如 110105）")
    due_on: date


class DecisionBody(ApiModel):
    text: str = Field(max_length=jm.DECISION_MAX)
    items: list[ItemBody] = Field(default_factory=list, max_length=jm.ITEMS_MAX)


class RecordJointMeetingRequest(ApiModel):
    level: str = Field(description="CITY | DISTRICT")
    district: str | None = None
    held_on: date
    attending: list[str] = Field(max_length=60, description="参会成员单位代码")
    topics: list[str] = Field(max_length=jm.TOPICS_MAX)
    decisions: list[DecisionBody] = Field(default_factory=list, max_length=jm.DECISIONS_MAX)


class JointMeetingRecorded(Accepted):
    items: list[str]  # the action items' ids, in the order of the decisions and their items


@router.post("", status_code=201, response_model=JointMeetingRecorded, summary="记录联席会议（决定事项生成待办）")
async def record(body: RecordJointMeetingRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*OFFICES)
    if body.level == jm.Level.DISTRICT:
        who.require_district(body.district or "")
    elif who.district is not None:
        raise Forbidden("市级联席会议由市级联席会议办公室记录（全市范围的令牌）。", rule="district")
    rt = rt_of(request)
    meeting_id = str(uuid.uuid4())
    command = jm.RecordJointMeeting(
        meeting_id=meeting_id, level=body.level, district=body.district, held_on=body.held_on,
        attending=tuple(body.attending), topics=tuple(body.topics), today=today(rt),
        decisions=tuple(jm.DecisionSpec(d.text, tuple(
            jm.ItemSpec(str(uuid.uuid4()), i.title, i.assignee_kind, i.assignee, i.due_on) for i in d.items))
            for d in body.decisions))
    async with transaction(rt.pool) as conn:
        envelopes = await record_joint_meeting(conn, stores(rt), command)
    return {**accepted(envelopes, meeting_id), "items": [i.item_id for d in command.decisions for i in d.items]}
