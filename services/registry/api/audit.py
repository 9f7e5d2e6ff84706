"""Registry HTTP API, the audit trail (admins only): who read or changed whose personal data, when."""
from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel

from chassis.auth import Principal
from chassis.service import caller

from .. import tables
from ..deps import runtime
from .search import MAX_PAGE

router = APIRouter(tags=["audit"])


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


@router.get("/audit", response_model=AuditPage,
            summary="审计记录（仅管理员）：谁在何时读取或修改了谁的哪些个人信息")
async def audit(request: Request, who: Principal = Depends(caller), youth_id: uuid.UUID | None = Query(None, alias="youthId"),
                actor: str | None = Query(None, max_length=200), action: str | None = Query(None, max_length=30),
                first: int = Query(50, ge=1, le=MAX_PAGE), after: int | None = Query(None)):
    who.require("admin")
    rt = runtime(request)
    async with rt.pool.acquire() as conn:
        rows = await tables.audit_entries(conn, youth_id=str(youth_id) if youth_id else None, actor=actor,
                                          action=action, after=after, limit=first + 1)
    page = rows[:first]
    return AuditPage(items=[AuditEntry(id=r["id"], at=r["at"], actor=r["actor"], roles=r["roles"], scope=r["scope"],
                                       action=r["action"], youthId=r["youth_id"], fields=r["fields"],
                                       purpose=r["purpose"], traceId=r["trace_id"]) for r in page],
                     hasNextPage=len(rows) > first, endCursor=page[-1]["id"] if page else None)
