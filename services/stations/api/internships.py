"""Applications for 筑梦空间 internships: a young person applies with their own token (an optional short note),
lists their applications and withdraws one before a decision; the staff of the offer's district (admin too)
accept or decline (with a reason) and page through an offer's applications. Offering and closing an internship
are in projects.py."""
from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id
from chassis.service import caller

from .. import incubation_commands, tables
from ..commands import in_district, load_existing
from ..deps import runtime
from ..domain import internship
from ..incubation_commands import Decision
from .common import STAFF, own_list

router = APIRouter(tags=["dream-space"])
PAGE_MAX = 100


class ApplyRequest(ApiModel):
    internship_id: uuid.UUID
    note: str | None = Field(None, description=f"申请说明（可选，不超过 {internship.NOTE_MAX} 字）")


class DeclineRequest(ApiModel):
    reason: str = Field(description="未录用的原因（必填）")


def application(r) -> dict:
    """An application as its applicant sees it (`me`, the export); staff see the applicant's id besides."""
    return {"id": r["application_id"], "internshipId": r["internship_id"], "stationId": r["station_id"],
            "district": r["district"], "company": r["company"], "title": r["title"], "note": r["note"],
            "status": r["status"], "reason": r["reason"], "appliedAt": r["applied_at"].isoformat(),
            "decidedAt": r["decided_at"].isoformat() if r["decided_at"] else None}


@router.post("/me/internship-applications", status_code=201, response_model=Accepted, summary="本人申请实习岗位")
async def apply(body: ApplyRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    rt = runtime(request)
    command = internship.ApplyForInternship(str(uuid.uuid4()), youth_id, body.note, rt.deps.clock.now())
    return await incubation_commands.apply_for_internship(rt, str(body.internship_id), command)


@router.post("/me/internship-applications/{application_id}/withdraw", response_model=Accepted,
             summary="本人撤回实习申请（处理前）")
async def withdraw(application_id: uuid.UUID, request: Request, youth_id: str = Depends(own_youth_id)):
    rt = runtime(request)
    command = internship.WithdrawApplication(str(application_id), youth_id, rt.deps.clock.now())
    return await incubation_commands.application_step(rt, None, command)


@router.get("/me/internship-applications", summary="本人的实习申请及结果")
async def my_applications(request: Request, youth_id: str = Depends(own_youth_id)) -> list[dict]:
    return [application(r) for r in await own_list(request, tables.INTERNSHIPS, youth_id)]


async def _decided(request: Request, who: Principal, decision: Callable[[datetime], Decision]) -> dict:
    """A decision by the staff of the offer's district, taken now."""
    who.require(*STAFF)
    rt = runtime(request)
    return await incubation_commands.application_step(rt, who, decision(rt.deps.clock.now()))


@router.post("/internship-applications/{application_id}/accept", response_model=Accepted,
             summary="录用实习申请（不超过岗位名额）")
async def accept(application_id: uuid.UUID, request: Request, who: Principal = Depends(caller)):
    return await _decided(request, who, lambda at: internship.AcceptApplication(str(application_id), at))


@router.post("/internship-applications/{application_id}/decline", response_model=Accepted,
             summary="不录用实习申请（须写明原因）")
async def decline(application_id: uuid.UUID, body: DeclineRequest, request: Request,
                  who: Principal = Depends(caller)):
    return await _decided(request, who, lambda at: internship.DeclineApplication(str(application_id), body.reason, at))


@router.get("/internships/{internship_id}/applications", summary="实习岗位的申请（先到先列，分页）")
async def offer_applications(internship_id: uuid.UUID, request: Request, who: Principal = Depends(caller),
                             first: int = Query(20, ge=1, le=PAGE_MAX),
                             after_at: datetime | None = Query(None, alias="afterAt"),
                             after_id: str | None = Query(None, alias="afterId")) -> dict:
    """Staff of the offer's district (one answer for an offer of nothing or of elsewhere)."""
    who.require(*STAFF)
    rt, iid = runtime(request), str(internship_id)
    async with rt.pool.acquire() as conn:
        await load_existing(conn, rt.deps.stores.event, internship.internship, internship.stream_id(iid),
                            in_district(who, incubation_commands.NO_OFFER))
        after = [after_at.isoformat(), after_id or ""] if after_at else None
        rows = await tables.offer_applications(conn, iid, after, first + 1)
    return {"items": [application(r) | {"youthId": r["youth_id"]} for r in rows[:first]],
            "hasNextPage": len(rows) > first}
