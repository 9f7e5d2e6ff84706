"""Registry HTTP API (FastAPI). Field names are camelCase, as in the GraphQL schema."""
from __future__ import annotations

import uuid
from datetime import date, datetime
from zoneinfo import ZoneInfo

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from chassis.auth import Principal
from chassis.commands import accepted, execute, transaction
from chassis.errors import Duplicate, NotFound
from chassis.http import Accepted, ApiModel
from chassis.service import Runtime, caller, runtime

from . import domain
from .domain import Gender

BEIJING = ZoneInfo("Asia/Shanghai")
router = APIRouter(prefix="/youth", tags=["youth"])
OPERATORS = ("admin", "registry_operator")


class RegisterYouthRequest(ApiModel):
    name: str = Field(description="姓名")
    gender: Gender
    birth_date: date
    mobile: str = Field(description="中国大陆手机号，可带 +86 / 0086")
    district: str = Field(description="GB/T 2260 district code, one of Beijing's 16")
    youth_type: str = Field(description="ONLINE_CULTURE | INDEPENDENT_ART | NEW_BUSINESS")
    subtype: str
    consents: list[str] = Field(default_factory=list, max_length=20,
                                description="purposes consented to; REGISTRATION is required")


class YouthProfile(BaseModel):
    id: str
    district: str
    youthType: str
    subtype: str
    isMinor: bool
    registeredOn: date
    consents: list[str]
    version: int
    name: str | None = None
    gender: str | None = None
    birthDate: date | None = None
    mobile: str | None = None


def today() -> date:
    return datetime.now(BEIJING).date()


@router.post("", status_code=201, response_model=Accepted, summary="登记青年 (RegisterYouth)")
async def register_youth(body: RegisterYouthRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*OPERATORS)
    who.require_district(body.district)
    rt: Runtime = runtime(request)
    youth_id = str(uuid.uuid4())
    command = domain.RegisterYouth(youth_id=youth_id, name=body.name, gender=body.gender,
                                   birth_date=body.birth_date, mobile=body.mobile, district=body.district,
                                   youth_type=body.youth_type, subtype=body.subtype,
                                   consents=tuple(body.consents), today=today())
    domain.validate_registration(command)  # before touching the database: bad input stores nothing
    vault = rt.extras["vault"]
    async with transaction(rt.pool) as conn:
        digest = vault.blind_index("mobile", domain.normalize_mobile(body.mobile))
        existing = await conn.fetchval(
            "INSERT INTO youth_identifiers (kind, digest, youth_id) VALUES ('mobile', $1, $2) "
            "ON CONFLICT (kind, digest) DO UPDATE SET kind = youth_identifiers.kind "
            "RETURNING youth_id", digest, youth_id)
        if existing != youth_id:
            raise Duplicate("该手机号已登记，请勿重复登记。", existing_id=existing)
        envelopes = await execute(conn, rt.extras["store"], domain.youth, domain.stream_id(youth_id), command)
    return accepted(envelopes, youth_id)


@router.get("/{youth_id}", response_model=YouthProfile, summary="查看青年档案（含个人信息）")
async def get_youth(youth_id: uuid.UUID, request: Request, who: Principal = Depends(caller)):
    who.require(*OPERATORS)
    rt: Runtime = runtime(request)
    async with transaction(rt.pool) as conn:
        stream = await rt.extras["store"].load(conn, domain.stream_id(str(youth_id)))
    state = domain.youth.fold(stream.events)
    if not state.exists:
        raise NotFound("未找到该青年。")
    who.require_district(state.district)
    p = state.profile
    return YouthProfile(id=state.youth_id, district=state.district, youthType=state.youth_type,
                        subtype=state.subtype, isMinor=state.is_minor, registeredOn=state.registered_on,
                        consents=list(state.consents), version=stream.version, name=p.get("name"),
                        gender=p.get("gender"), birthDate=p.get("birth_date"), mobile=p.get("mobile"))
