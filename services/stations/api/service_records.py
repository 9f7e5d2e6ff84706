"""Services delivered at a station (person-times), uploaded in batches: late and repeated uploads count once."""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from chassis.auth import Principal
from chassis.http import ApiModel
from chassis.service import caller

from .. import commands
from ..deps import runtime
from ..domain import service_record
from .common import STAFF

router = APIRouter(tags=["services"])


class ServiceRecordIn(ApiModel):
    idempotency_key: str = Field(description="由手机端生成（如 UUID）；重传同一条记录不会重复计数")
    service_type: str
    delivered_at: datetime
    youth_id: str | None = Field(None, description="登记青年编号；匿名服务留空")


class RecordServicesRequest(ApiModel):
    records: list[ServiceRecordIn] = Field(max_length=service_record.MAX_BATCH)


class BatchAccepted(BaseModel):
    accepted: int
    duplicates: list[str] = Field(description="已登记过的幂等键（本次未重复计数）")
    anonymised: list[str] = Field(description="青年未登记或未同意“服务记录”用途：按匿名计数的幂等键")
    positions: list[str]
    position: str | None = Field(description="最后写入的位置（读己之写）；全部重复时为 null")


@router.post("/stations/{station_id}/records", response_model=BatchAccepted,
             summary="批量上传服务记录（人次），可迟传、可重传")
async def record_services(station_id: uuid.UUID, body: RecordServicesRequest, request: Request,
                          who: Principal = Depends(caller)):
    who.require(*STAFF)
    rt = runtime(request)
    records = tuple(service_record.ServiceRecord(
        idempotency_key=r.idempotency_key.strip(), service_type=r.service_type, delivered_at=r.delivered_at,
        youth_id=r.youth_id) for r in body.records)
    command = service_record.RecordServices(station_id=str(station_id), records=records, now=rt.deps.clock.now())
    done = await commands.record_services(rt, who, command)
    return BatchAccepted(accepted=done.accepted, duplicates=done.duplicates, anonymised=done.anonymised,
                         positions=done.positions, position=done.positions[-1] if done.positions else None)
