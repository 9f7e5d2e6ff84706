"""Meetings and activities (三会两制一课) with attendance. Attendees are youth ids of members."""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.commands import accepted, transaction
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from .. import tables
from ..commands import branch_facts, run
from ..domain import meeting
from .common import SECRETARIES, MeetingId, existing, rt_of, stores, today

router = APIRouter(prefix="/meetings", tags=["meetings"])


class RecordMeetingRequest(ApiModel):
    branch_id: uuid.UUID
    kind: str = Field(description="GENERAL_MEETING | COMMITTEE_MEETING | GROUP_MEETING | LEAGUE_LECTURE | "
                                  "ROLE_MODEL_TALK | ACTIVITY")
    held_on: date
    topic: str
    attendees: list[uuid.UUID] = Field(default_factory=list, max_length=meeting.MAX_ATTENDEES)


class AttendanceRequest(ApiModel):
    attendees: list[uuid.UUID] = Field(max_length=meeting.MAX_ATTENDEES)


@router.post("", status_code=201, response_model=Accepted, summary="记录会议或活动")
async def record_meeting(body: RecordMeetingRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    meeting_id = str(uuid.uuid4())
    async with transaction(rt.pool) as conn:
        facts = await branch_facts(conn, stores(rt), str(body.branch_id))
        who.require_found_in_district(facts.district, "未找到该团支部。")
        command = meeting.RecordMeeting(
            meeting_id=meeting_id, branch_id=facts.branch_id, branch_active=facts.active, district=facts.district,
            kind=body.kind, held_on=body.held_on, topic=body.topic, attendees=tuple(map(str, body.attendees)),
            members=await tables.members(conn, facts.branch_id), today=today(rt))
        envelopes, _ = await run(conn, stores(rt).meeting, meeting.meeting, meeting.stream_id(meeting_id), command)
    return accepted(envelopes, meeting_id)


@router.post("/{meetingId}/attendance", response_model=Accepted, summary="补记参会人员")
async def record_attendance(meeting_id: MeetingId, body: AttendanceRequest, request: Request,
                            who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    sid = meeting.stream_id(str(meeting_id))
    async with transaction(rt.pool) as conn:
        state = await existing(conn, who, stores(rt).meeting, meeting.meeting, sid, "未找到该会议。")
        command = meeting.RecordAttendance(attendees=tuple(map(str, body.attendees)),
                                           members=await tables.members(conn, state.branch_id))
        envelopes, _ = await run(conn, stores(rt).meeting, meeting.meeting, sid, command)
    return accepted(envelopes, str(meeting_id))
