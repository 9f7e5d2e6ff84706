"""Appeals (接诉即办): import a 12345 work order (Open311 GeoReport v2), then dispatch, contact, resolve,
rate."""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field

from chassis.auth import Principal
from chassis.errors import FieldError, ValidationFailed
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from .. import commands
from ..deps import runtime
from ..domain import appeal
from .common import STAFF, moment

router = APIRouter(tags=["appeals"])


class Open311Request(BaseModel):
    """A GeoReport v2 service request. Personal fields Open311 allows (first_name, last_name, email,
    phone, device_id, account_id) are ignored, never stored."""

    model_config = ConfigDict(extra="ignore", str_max_length=2000)
    service_request_id: str
    service_code: str
    service_name: str
    description: str | None = None
    requested_datetime: datetime
    address: str | None = None
    lat: float | None = None
    long: float | None = None
    status: str | None = Field(None, description="open | closed (informational)")
    tier: str = Field(description="EMERGENCY | UTILITIES | GENERAL | COMPLEX (12345 分级)")
    district: str
    category: str | None = Field(None, description="个案类别（与求助个案同一分类，如 WAGE_ARREARS）；可导入后由工作人员设置")


class AppealStepRequest(ApiModel):
    at: datetime | None = Field(None, description="发生时间；缺省为现在")


class DispatchRequest(AppealStepRequest):
    unit: str = Field(description="承办单位")


class RateRequest(AppealStepRequest):
    satisfaction: str = Field(description="SATISFIED | BASICALLY_SATISFIED | UNSATISFIED")


class CategoryRequest(AppealStepRequest):
    category: str = Field(description="个案类别（contracts/stations.py CaseCategory）")


class ReadRequest(ApiModel):
    purpose: str = Field(min_length=1, max_length=200, description="查阅用途（记入审计）")


class AppealDetails(BaseModel):
    appealId: str
    description: str | None = None
    address: str | None = None
    lat: float | None = None
    long: float | None = None
    erased: bool = Field(description="诉求人相关个案的青年已删除登记信息：内容已不可读")


@router.post("/appeals/open311", status_code=201, response_model=Accepted,
             summary="导入 12345 工单（Open311 GeoReport v2）")
async def import_appeal(body: Open311Request, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *STAFF)
    rt = runtime(request)
    command = appeal.ImportAppeal(
        appeal_id=appeal.appeal_id_for(body.service_request_id), service_request_id=body.service_request_id,
        service_code=body.service_code, service_name=body.service_name,
        requested_datetime=body.requested_datetime, tier=body.tier, district=body.district, lat=body.lat,
        lon=body.long, deadlines=rt.deps.deadlines, category=body.category)
    details = {"description": body.description, "address": body.address, "lat": body.lat, "lon": body.long}
    return await commands.import_appeal(rt, command, details)


@router.post("/appeals/{appeal_id}/details/read", response_model=AppealDetails,
             summary="读取工单诉求内容与地址（本区站点工作人员与管理员；每次读取留痕）")
async def read_details(appeal_id: uuid.UUID, body: ReadRequest, request: Request,
                       who: Principal = Depends(caller)) -> AppealDetails:
    who.require(*STAFF)
    if not body.purpose.strip():
        raise ValidationFailed([FieldError("purpose", "查阅用途不能为空", "required")])
    plain = await commands.read_appeal_details(runtime(request), who, str(appeal_id), body.purpose.strip())
    if plain is None:
        return AppealDetails(appealId=str(appeal_id), erased=True)
    return AppealDetails(appealId=str(appeal_id), description=plain.get("description"), address=plain.get("address"),
                         lat=plain.get("lat"), long=plain.get("lon"), erased=False)


@router.post("/appeals/{appeal_id}/category", response_model=Accepted, summary="设置工单类别（与个案同一分类）")
async def categorise(appeal_id: uuid.UUID, body: CategoryRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _step(request, who, appeal_id, body, lambda at: appeal.CategoriseAppeal(body.category, at))


async def _step(request: Request, who: Principal, appeal_id: uuid.UUID, body: AppealStepRequest, make) -> dict:
    """`make(at)` is the command, at the moment the body names (now by default)."""
    rt = runtime(request)
    return await commands.appeal_step(rt, who, str(appeal_id), make(moment(rt, body.at)))


@router.post("/appeals/{appeal_id}/dispatch", response_model=Accepted, summary="派单")
async def dispatch(appeal_id: uuid.UUID, body: DispatchRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _step(request, who, appeal_id, body, lambda at: appeal.DispatchAppeal(body.unit, at))


@router.post("/appeals/{appeal_id}/contact", response_model=Accepted, summary="首次联系诉求人")
async def contact(appeal_id: uuid.UUID, body: AppealStepRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _step(request, who, appeal_id, body, appeal.ContactCitizen)


@router.post("/appeals/{appeal_id}/resolve", response_model=Accepted, summary="办结")
async def resolve(appeal_id: uuid.UUID, body: AppealStepRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _step(request, who, appeal_id, body, appeal.ResolveAppeal)


@router.post("/appeals/{appeal_id}/rating", response_model=Accepted, summary="诉求人评价")
async def rate(appeal_id: uuid.UUID, body: RateRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    return await _step(request, who, appeal_id, body, lambda at: appeal.RateAppeal(body.satisfaction, at))
