"""Registry HTTP API, reads: one person, operators' search, access-and-copy export, the audit trail.

Every read that returns personal fields is audited (who, which person, which fields, purpose).
"""
from __future__ import annotations

import uuid
from datetime import date, datetime

import orjson
from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field

from chassis.auth import Principal
from chassis.commands import transaction
from chassis.errors import FieldError, ValidationFailed
from chassis.http import ApiModel
from chassis.service import Runtime, caller, runtime

from . import domain, views, workflow
from .domain import Status
from .identity import AGE_BANDS, normalize_employer
from .vault import unseal_with
from .workflow import OPERATORS

router = APIRouter(tags=["youth"])
MAX_PAGE = 100


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


def consents_of(state: domain.YouthState) -> list[Consent]:
    return [Consent(purpose=p, noticeVersion=c["notice_version"], channel=c["channel"], givenOn=c["given_on"])
            for p, c in sorted(state.consents.items())]


def profile_of(state: domain.YouthState, version: int, personal: dict) -> YouthProfile:
    return YouthProfile(id=state.youth_id, status=state.status, district=state.district, youthType=state.youth_type,
                        subtype=state.subtype, employerKind=state.employer_kind, isMinor=state.is_minor,
                        registeredOn=state.registered_on, consents=consents_of(state), version=version,
                        mergedInto=state.merged_into, **personal)


@router.get("/youth/{youth_id}", response_model=YouthProfile, response_model_exclude_none=True,
            summary="查看青年档案（按角色给出个人信息；reveal=idNumber 显示完整身份证号并记入审计）")
async def get_youth(youth_id: uuid.UUID, request: Request, who: Principal = Depends(caller),
                    reveal: str | None = Query(None, pattern="^idNumber$"),
                    purpose: str | None = Query(None, max_length=100)):
    reveal = reveal if who.has_any(*OPERATORS) else None  # only operators may reveal; others never see it
    fields = workflow.readable_fields(who, reveal_id=reveal == "idNumber")
    rt: Runtime = runtime(request)
    async with transaction(rt.pool) as conn:
        state, version = await workflow.load_existing(conn, rt.deps.store, str(youth_id), who)
        personal = workflow.personal_view(state.profile, fields) if state.profile else {}
        if personal:
            await views.record_audit(conn, who, "REVEAL" if reveal else "READ", str(youth_id),
                                     workflow.audited_fields(fields), purpose or "查看档案")
    return profile_of(state, version, personal)


class SearchRequest(ApiModel):
    district: str | None = None
    youth_type: str | None = None
    subtype: str | None = None
    employer: str | None = Field(None, description="工作单位/平台名称（精确匹配，经盲索引）")
    age_band: str | None = Field(None, description="、".join(f"{lo}-{hi}" for lo, hi in AGE_BANDS))
    registered_from: date | None = None
    registered_to: date | None = None
    status: Status | None = None
    mobile: str | None = Field(None, description="按手机号精确查找（盲索引）")
    id_number: str | None = Field(None, description="按身份证号精确查找（盲索引）")
    first: int = Field(20, ge=1, le=MAX_PAGE)
    after: list | None = Field(None, description="上一页的 endCursor 键（registeredOn, id）")
    purpose: str | None = Field(None, max_length=100)


class SearchItem(BaseModel):
    id: str
    district: str
    youthType: str
    subtype: str
    employerKind: str | None = None
    registeredOn: date
    status: str
    name: str | None = None
    gender: str | None = None
    mobile: str | None = None
    idNumber: str | None = None


class SearchResult(BaseModel):
    items: list[SearchItem]
    hasNextPage: bool
    endCursor: list | None = None  # absent on the last page (response_model_exclude_none)


@router.post("/youth:search", response_model=SearchResult, response_model_exclude_none=True,
             summary="检索青年（区、类型、细分、单位、年龄段、登记日期；手机号/身份证号精确查找）")
async def search_youth(body: SearchRequest, request: Request, who: Principal = Depends(caller)):
    fields = workflow.readable_fields(who, reveal_id=False)
    card_fields = tuple(f for f in fields if f in ("name", "gender", "mobile", "mobile_masked", "id_number"))
    if body.district:
        who.require_district(body.district)
    if body.age_band and body.age_band not in {f"{lo}-{hi}" for lo, hi in AGE_BANDS}:
        raise ValidationFailed([FieldError("ageBand", "年龄段无效：应为 " + "、".join(
            f"{lo}-{hi}" for lo, hi in AGE_BANDS), "enum")])
    after = body.after
    if after is not None and (len(after) != 2 or not all(isinstance(x, str) for x in after)):
        raise ValidationFailed([FieldError("after", "分页游标无效：请使用上一页返回的 endCursor", "cursor")])
    rt: Runtime = runtime(request)
    vault = rt.deps.vault
    async with transaction(rt.pool) as conn:
        ids = None
        if body.mobile or body.id_number:
            ids = await workflow.lookup(conn, vault, mobile=body.mobile, id_number=body.id_number)
        f = views.SearchFilter(
            district=body.district or who.district, youth_type=body.youth_type, subtype=body.subtype,
            employer_digest=vault.blind_index("employer", normalize_employer(body.employer)) if body.employer else None,
            age_band=body.age_band, registered_from=body.registered_from, registered_to=body.registered_to,
            status=body.status, youth_ids=ids)
        try:
            rows = await views.search(conn, f, today=workflow.today(), after=after, limit=body.first + 1)
        except ValueError:
            raise ValidationFailed([FieldError("after", "分页游标无效：请使用上一页返回的 endCursor", "cursor")]) from None
        page = rows[:body.first]
        items = []
        for r in page:
            card = await _card(conn, vault, r)
            items.append(SearchItem(id=r["youth_id"], district=r["district"], youthType=r["youth_type"],
                                    subtype=r["subtype"], employerKind=r["employer_kind"],
                                    registeredOn=r["registered_on"], status=r["status"],
                                    **workflow.personal_view(card, card_fields)))
        lookup = [name for name, v in (("mobile", body.mobile), ("idNumber", body.id_number)) if v]
        await views.record_audit(conn, who, "SEARCH" if not lookup else "LOOKUP", [i.id for i in items],
                                 workflow.audited_fields(card_fields) + [f"by:{n}" for n in lookup],
                                 body.purpose or "检索")
    end = [page[-1]["registered_on"].isoformat(), page[-1]["youth_id"]] if page else None
    return SearchResult(items=items, hasNextPage=len(rows) > body.first, endCursor=end)


async def _card(conn, vault, row) -> dict:
    if row["card"] is None:
        return {}
    key = await vault.data_key(conn, domain.stream_id(row["youth_id"]))
    return orjson.loads(unseal_with(key, domain.stream_id(row["youth_id"]), row["card"])) if key else {}


@router.get("/youth/{youth_id}/export", summary="查阅、复制个人信息（PIPL 第 45 条）：导出登记服务持有的全部信息")
async def export_youth(youth_id: uuid.UUID, request: Request, who: Principal = Depends(caller),
                       purpose: str | None = Query(None, max_length=100)) -> dict:
    who.require(*OPERATORS)
    rt: Runtime = runtime(request)
    store = rt.deps.store
    async with transaction(rt.pool) as conn:
        subject = domain.stream_id(str(youth_id))
        stream = await store.load(conn, subject)
        state = domain.youth.fold(stream.events)
        who.require_found_in_district(state.district if state.exists else None, "未找到该青年。")
        meta = await conn.fetch("SELECT version, recorded_at FROM events WHERE stream_id = $1 ORDER BY version",
                                subject)
        personal = workflow.personal_view(state.profile, workflow.readable_fields(who, reveal_id=True))
        history = [{"version": m["version"], "at": m["recorded_at"].isoformat(), "type": e.TYPE,
                    "fields": _jsonable(e)} for m, e in zip(meta, stream.events)]
        await views.record_audit(conn, who, "EXPORT", str(youth_id), ["*"], purpose or "本人查阅、复制")
    return {
        "exportedAt": datetime.now(workflow.BEIJING).isoformat(),
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


class AuditEntry(BaseModel):
    id: int
    at: datetime
    actor: str
    roles: list[str]
    scope: str | None
    action: str
    youthId: str | None
    fields: list[str]
    purpose: str | None
    traceId: str | None


class AuditPage(BaseModel):
    items: list[AuditEntry]
    hasNextPage: bool
    endCursor: int | None


@router.get("/audit", response_model=AuditPage, tags=["audit"],
            summary="审计记录（仅管理员）：谁在何时读取或修改了谁的哪些个人信息")
async def audit(request: Request, who: Principal = Depends(caller), youth_id: uuid.UUID | None = Query(None, alias="youthId"),
                actor: str | None = Query(None, max_length=200), action: str | None = Query(None, max_length=30),
                first: int = Query(50, ge=1, le=MAX_PAGE), after: int | None = Query(None)):
    who.require("admin")
    rt: Runtime = runtime(request)
    async with rt.pool.acquire() as conn:
        rows = await views.audit_entries(conn, youth_id=str(youth_id) if youth_id else None, actor=actor,
                                         action=action, after=after, limit=first + 1)
    page = rows[:first]
    return AuditPage(items=[AuditEntry(id=r["id"], at=r["at"], actor=r["actor"], roles=r["roles"], scope=r["scope"],
                                       action=r["action"], youthId=r["youth_id"], fields=r["fields"],
                                       purpose=r["purpose"], traceId=r["trace_id"]) for r in page],
                     hasNextPage=len(rows) > first, endCursor=page[-1]["id"] if page else None)

