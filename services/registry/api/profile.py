"""Registry HTTP API, one person: the profile (personal fields by role) and the access-and-copy export.

Every read that returns personal fields is audited (who, which person, which fields, purpose).
"""
from __future__ import annotations

import uuid
from datetime import date

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from chassis.auth import Principal
from chassis.clock import BEIJING
from chassis.commands import transaction
from chassis.errors import NotFound
from chassis.purpose import purpose_header
from chassis.service import caller

from .. import commands, tables
from ..access import EXPORTED, OPERATORS, audited_fields, personal_view, readable_fields
from ..deps import Runtime, runtime
from ..domain.decider import youth
from ..domain.state import YouthState, stream_id

router = APIRouter(tags=["youth"])


class Consent(BaseModel):
    purpose: str
    noticeVersion: str
    channel: str
    givenOn: date


class YouthProfile(BaseModel):
    id: str
    status: str
    district: str
    youthType: str
    subtype: str
    employerKind: str | None = None
    isMinor: bool
    registeredOn: date
    consents: list[Consent]
    version: int
    mergedInto: str | None = None
    name: str | None = None
    gender: str | None = None
    birthDate: date | None = None
    mobile: str | None = None
    idNumber: str | None = None
    wechat: str | None = None
    employer: str | None = None
    education: str | None = None
    needs: list[str] | None = None


def consents_of(state: YouthState) -> list[Consent]:
    return [Consent(purpose=p, noticeVersion=c["notice_version"], channel=c["channel"], givenOn=c["given_on"])
            for p, c in sorted(state.consents.items())]


def profile_of(state: YouthState, version: int, personal: dict) -> YouthProfile:
    return YouthProfile(id=state.youth_id, status=state.status, district=state.district, youthType=state.youth_type,
                        subtype=state.subtype, employerKind=state.employer_kind, isMinor=state.is_minor,
                        registeredOn=state.registered_on, consents=consents_of(state), version=version,
                        mergedInto=state.merged_into, **personal)


@router.get("/youth/{youth_id}", response_model=YouthProfile, response_model_exclude_none=True,
            summary="查看青年档案（按角色给出个人信息；reveal=idNumber 显示完整身份证号并记入审计）")
async def get_youth(youth_id: uuid.UUID, request: Request, who: Principal = Depends(caller),
                    reveal: str | None = Query(None, pattern="^idNumber$"),
                    purpose: str | None = Depends(purpose_header())):
    reveal = reveal if who.has_any(*OPERATORS) else None  # only operators may reveal; others never see it
    fields = readable_fields(who, reveal_id=reveal == "idNumber")
    rt = runtime(request)
    async with transaction(rt.pool) as conn:
        state, version = await commands.load_existing(conn, rt.deps.store, str(youth_id), who)
        personal = personal_view(state.profile, fields) if state.profile else {}
        if personal:
            await tables.record_audit(conn, who, "REVEAL" if reveal else "READ", str(youth_id),
                                      audited_fields(fields), purpose or "查看档案")
    return profile_of(state, version, personal)


@router.get("/youth/{youth_id}/export", summary="查阅、复制个人信息（PIPL 第 45 条）：导出登记服务持有的全部信息")
async def export_youth(youth_id: uuid.UUID, request: Request, who: Principal = Depends(caller),
                       purpose: str | None = Depends(purpose_header())) -> dict:
    who.require(*OPERATORS)
    rt = runtime(request)
    async with transaction(rt.pool) as conn:
        exported = await export_of(conn, rt, str(youth_id), who)
        await tables.record_audit(conn, who, "EXPORT", exported_ids(exported), ["*"], purpose or "本人查阅、复制")
    return exported


async def export_of(conn, rt: Runtime, youth_id: str, who: Principal | None) -> dict:
    """Everything the registry holds on the person `youth_id`; `who` None: the person themself (their id
    resolved from their own account), else an operator held to their district. The records merged into the
    person are theirs too (each keeps its own sealed profile and history): `mergedRecords`, in the same shape."""
    exported = await _record_export(conn, rt, youth_id, who)
    merged = [m for m in await tables.merged_group(conn, youth_id) if m != youth_id]
    return {**exported, "mergedRecords": [await _record_export(conn, rt, m, None) for m in merged]}


def exported_ids(exported: dict) -> list[str]:
    """The records an export showed (the person's and those merged into it): each read is audited."""
    return [exported["id"], *(r["id"] for r in exported["mergedRecords"])]


async def _record_export(conn, rt: Runtime, youth_id: str, who: Principal | None) -> dict:
    subject = stream_id(youth_id)
    stream = await rt.deps.store.load(conn, subject)
    state = youth.fold(stream.events)
    if who is not None:
        who.require_found_in_district(state.district if state.exists else None, "未找到该青年。")
    elif not state.exists:
        raise NotFound("未找到该青年。")
    meta = await tables.recorded_at(conn, subject)
    personal = personal_view(state.profile, EXPORTED)
    history = [{"version": m["version"], "at": m["recorded_at"].isoformat(), "type": e.TYPE,
                "fields": _jsonable(e)} for m, e in zip(meta, stream.events)]
    return {
        "exportedAt": rt.deps.clock.now().astimezone(BEIJING).isoformat(),
        "id": state.youth_id, "status": state.status, "version": stream.version,
        "profile": {"district": state.district, "youthType": state.youth_type, "subtype": state.subtype,
                    "employerKind": state.employer_kind, "isMinor": state.is_minor,
                    "registeredOn": state.registered_on.isoformat(), **personal},
        "consents": [c.model_dump(mode="json") for c in consents_of(state)],
        "history": history,
        # The registry knows memberships and services only through other services' events; none are
        # recorded here yet (branches and stations keep them under the pseudonymous id).
        "memberships": [], "services": [],
        "note": "登记服务持有的全部个人信息；团组织关系与服务记录由相应服务按匿名编号保存。",
    }


def _jsonable(event) -> dict:
    return orjson.loads(orjson.dumps({k: v for k, v in event.__dict__.items() if v is not None}))
