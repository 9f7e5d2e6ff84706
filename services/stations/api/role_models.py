"""榜样选树 and 宣讲: nominations by a branch secretary, station staff or the district's league committee; the
committee (admin) selects into a year's list or declines; staff withdraw; station staff record talks. The nominee
answers the consent to be published with their own token (`/me/role-models`). The year's public list is read
without a token (the gateway rate-limits anonymous callers): only selected role models whose consent stands."""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ConfigDict, Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id
from chassis.service import caller

from .. import role_model_commands as commands
from .. import role_model_tables as tables
from .. import tables as stations_tables
from ..deps import runtime
from ..domain import role_model as rm
from .common import STAFF

router = APIRouter(tags=["role-models"])
NOMINATORS = ("admin", "station_staff", "branch_secretary")
LEAGUE_COMMITTEE = ("admin",)  # the district's league committee (区团委) reviews
STAFF_READ_PURPOSE = "榜样提名审核"  # what the staff list is for: its audit rows say so


class NominateRequest(ApiModel):
    model_config = ConfigDict(str_max_length=rm.STORY_MAX)
    youth_id: uuid.UUID
    district: str = Field(description="提名所在的区（GB/T 2260）；区级令牌只能是本区")
    story: str = Field(description=f"榜样事迹（公开资料，不超过 {rm.STORY_MAX} 字）")
    photo_ref: str = Field(max_length=rm.PHOTO_MAX, description="照片引用：文件编号或网址（不含空格）")


class SelectRequest(ApiModel):
    year: int = Field(description="榜样年度（北京青年榜样 N 年度）")


class ReasonRequest(ApiModel):
    reason: str


class TalkRequest(ApiModel):
    talk_id: uuid.UUID = Field(description="客户端生成的宣讲编号：同一编号重复提交不会重复登记")
    venue_kind: str = Field(description="PARK | COMPANY | STATION | ONLINE")
    place: str
    given_on: date
    audience: int = Field(description=f"听众人数（1–{rm.AUDIENCE_MAX}）")


class ConsentRequest(ApiModel):
    given: bool = Field(description="true：同意公开；false：不同意或撤回同意")


@router.post("/role-models", status_code=201, response_model=Accepted, summary="提名榜样（团支部书记、站点工作人员、区团委）")
async def nominate(body: NominateRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*NOMINATORS)
    rt = runtime(request)
    role = next(r for r in NOMINATORS if who.has_any(r))
    command = rm.Nominate(str(uuid.uuid4()), str(body.youth_id), body.district, role, "", body.photo_ref, body.story,
                          rt.deps.clock.now())
    return await commands.nominate(rt, who, command)


async def _step(request: Request, who: Principal, nomination_id: uuid.UUID, roles: tuple[str, ...], command) -> dict:
    who.require(*roles)
    return await commands.step(runtime(request), who, str(nomination_id), command)


@router.post("/role-models/{nomination_id}/select", response_model=Accepted, summary="入选年度榜样（区团委）")
async def select(nomination_id: uuid.UUID, body: SelectRequest, request: Request, who: Principal = Depends(caller)):
    rt = runtime(request)
    command = rm.Select(body.year, rt.deps.clock.now(), rt.deps.clock.today())
    return await _step(request, who, nomination_id, LEAGUE_COMMITTEE, command)


@router.post("/role-models/{nomination_id}/decline", response_model=Accepted, summary="不予入选（区团委，须写明原因）")
async def decline(nomination_id: uuid.UUID, body: ReasonRequest, request: Request, who: Principal = Depends(caller)):
    command = rm.Decline(body.reason, runtime(request).deps.clock.now())
    return await _step(request, who, nomination_id, LEAGUE_COMMITTEE, command)


@router.post("/role-models/{nomination_id}/withdraw", response_model=Accepted, summary="撤销提名或撤下榜单（须写明原因）")
async def withdraw(nomination_id: uuid.UUID, body: ReasonRequest, request: Request, who: Principal = Depends(caller)):
    command = rm.Withdraw(body.reason, runtime(request).deps.clock.now())
    return await _step(request, who, nomination_id, NOMINATORS, command)


@router.post("/role-models/{nomination_id}/talks", response_model=Accepted, summary="登记榜样宣讲（站点工作人员）")
async def record_talk(nomination_id: uuid.UUID, body: TalkRequest, request: Request, who: Principal = Depends(caller)):
    command = rm.RecordTalk(str(body.talk_id), body.venue_kind, body.place, body.given_on, body.audience,
                            runtime(request).deps.clock.today())
    return await _step(request, who, nomination_id, STAFF, command)


def _nomination(r, profile: dict | None) -> dict:
    return {"id": r["nomination_id"], "district": r["district"], "status": r["status"], "consent": r["consent"],
            "year": r["year"], "nominatedAt": r["nominated_at"].isoformat(), "profile": profile, "youthId": r["youth_id"]}


async def _with_profiles(request: Request, read) -> list[tuple]:
    """The rows `read(conn)` finds, each with its profile unsealed (None once shredded)."""
    rt = runtime(request)
    async with rt.pool.acquire() as conn:
        rows = await read(conn)
    return list(zip(rows, await commands.profiles(rt, rows), strict=True))


@router.get("/role-models", summary="本区榜样提名（新到旧；含待审核的资料；每次查看资料都记入审计）")
async def nominations(request: Request, who: Principal = Depends(caller), limit: int = Query(50, ge=1, le=200)) -> dict:
    who.require(*NOMINATORS)
    found = await _with_profiles(request, lambda conn: tables.nominations(conn, who.district, limit))
    shown = [r["nomination_id"] for r, profile in found if profile is not None]
    if shown:  # recorded before the answer leaves: no profile is shown without its audit row
        async with runtime(request).pool.acquire() as conn:
            await stations_tables.audit_reads(conn, "role_model_reads", who, shown, STAFF_READ_PURPOSE)
    return {"nominations": [_nomination(r, p) for r, p in found]}


@router.get("/role-models/talks", summary="本区榜样宣讲（新到旧）")
async def talks(request: Request, who: Principal = Depends(caller), limit: int = Query(50, ge=1, le=200)) -> dict:
    who.require(*NOMINATORS)
    async with runtime(request).pool.acquire() as conn:
        rows = await tables.talks(conn, who.district, limit)
    return {"talks": [{"nominationId": r["nomination_id"], "talkId": r["talk_id"], "district": r["district"],
                       "venueKind": r["venue_kind"], "place": r["place"], "givenOn": r["given_on"].isoformat(),
                       "audience": r["audience"]} for r in rows]}


@router.get("/role-models/public", summary="年度榜样公开名单（无需令牌：仅已入选且本人同意公开的）")
async def public_list(request: Request, year: int = Query(ge=2000, le=2100)) -> dict:
    found = await _with_profiles(request, lambda conn: tables.published(conn, year))
    return {"roleModels": [{"id": r["nomination_id"], "district": r["district"], "year": r["year"], **p}
                           for r, p in found if p is not None]}


async def own_nominations(request: Request, youth_id: str) -> list[dict]:
    """The person's nominations with their profiles: `me` and their export (me.py)."""
    found = await _with_profiles(request, lambda conn: tables.own_nominations(conn, youth_id))
    return [_nomination(r, p) for r, p in found]


@router.get("/me/role-models", summary="本人被提名为榜样的记录（含将公开的资料）")
async def mine(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    return {"nominations": await own_nominations(request, youth_id)}


@router.post("/me/role-models/{nomination_id}/consent", response_model=Accepted, summary="本人同意、拒绝或撤回公开榜样资料")
async def consent(nomination_id: uuid.UUID, body: ConsentRequest, request: Request,
                  youth_id: str = Depends(own_youth_id)):
    rt = runtime(request)
    command = rm.AnswerConsent(body.given, rt.deps.clock.now())
    return await commands.answer_consent(rt, youth_id, str(nomination_id), command)
