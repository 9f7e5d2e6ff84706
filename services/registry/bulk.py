"""Bulk registration (survey sheets): POST /youth:batch takes many rows and answers per row.

One transaction per call: rows are validated one by one (a bad row is reported with its line and
reasons, the others go on); duplicates are found through the blind index, against the registry and
within the batch, and answered as DUPLICATE with the existing id (a re-run of the same file reports
every row as already imported). The good rows are written with a handful of statements: keys, events
and outbox, identifiers, query table and audit, each one INSERT for the whole batch.
"""
from __future__ import annotations

import uuid
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError

from chassis.auth import Principal
from chassis.commands import transaction
from chassis.errors import AppError, ValidationFailed, VersionConflict
from chassis.http import ApiModel
from chassis.service import Runtime, caller, runtime

from . import domain, views
from .api import RegisterYouthRequest
from .workflow import OPERATORS, today

router = APIRouter(tags=["youth"])
MAX_ROWS = 2000


class BatchRow(ApiModel):
    line: int = Field(description="行号（报告用）")
    data: dict[str, Any] = Field(description="与登记接口相同的字段")


class BatchRequest(ApiModel):
    rows: list[BatchRow] = Field(max_length=MAX_ROWS)
    purpose: str | None = Field(None, max_length=100)


class RowResult(BaseModel):
    line: int
    status: str  # CREATED | DUPLICATE | INVALID
    id: str | None = None
    errors: list[dict] | None = None


class BatchResult(BaseModel):
    created: int
    duplicates: int
    invalid: int
    results: list[RowResult]


def _errors_of(exc: Exception) -> list[dict]:
    if isinstance(exc, PydanticValidationError):
        from chassis.http import field_errors

        exc = ValidationFailed(field_errors(exc))
    if isinstance(exc, ValidationFailed):
        return [{"field": e.field, "rule": e.rule, "message": e.message} for e in exc.errors]
    if isinstance(exc, AppError):
        return [{"field": None, "rule": exc.code, "message": exc.message}]
    raise exc


@router.post("/youth:batch", response_model=BatchResult, response_model_exclude_none=True,
             summary="批量登记（问卷表导入）：逐行校验、查重，返回每行结果")
async def register_batch(body: BatchRequest, request: Request, who: Principal = Depends(caller)) -> BatchResult:
    who.require(*OPERATORS)
    rt: Runtime = runtime(request)
    store, vault = rt.deps.store, rt.deps.vault
    on = today()
    results: dict[int, RowResult] = {}
    good: list[tuple[int, domain.RegisterYouth, list[tuple[str, bytes]], domain.YouthRegistered]] = []
    for index, row in enumerate(body.rows):
        try:
            req = RegisterYouthRequest.model_validate(row.data)
            who.require_district(req.district)
            command = req.command(str(uuid.uuid4()), on)
            [event] = domain.youth.decide(command, domain.YouthState())
        except Exception as exc:  # noqa: BLE001 — every row failure is reported, never a 500
            results[index] = RowResult(line=row.line, status="INVALID", errors=_errors_of(exc))
            continue
        keys = [("mobile", vault.blind_index("mobile", event.mobile))]
        if event.id_number:
            keys.append(("id_number", vault.blind_index("id_number", event.id_number)))
        good.append((index, command, keys, event))

    async with transaction(rt.pool) as conn:
        pairs = [pair for *_, keys, _ in good for pair in keys]
        known = {bytes(r["digest"]): r["youth_id"] for r in await conn.fetch(  # (kind, digest): the primary key
            "SELECT i.digest, i.youth_id FROM youth_identifiers i "
            "JOIN unnest($1::text[], $2::bytea[]) AS w(kind, digest) USING (kind, digest)",
            [k for k, _ in pairs], [d for _, d in pairs])}
        fresh = []
        for index, command, keys, event in good:
            existing = next((known[d] for _, d in keys if d in known), None)
            if existing:
                results[index] = RowResult(line=body.rows[index].line, status="DUPLICATE", id=existing)
                continue
            for _, d in keys:
                known[d] = command.youth_id  # later rows of this batch with the same identifier are duplicates
            results[index] = RowResult(line=body.rows[index].line, status="CREATED", id=command.youth_id)
            fresh.append((command, keys, event))
        if fresh:
            try:
                await _write(conn, store, vault, who, fresh, body.purpose or "批量导入")
            except asyncpg.UniqueViolationError:  # a concurrent registration took an identifier: retry the batch
                raise VersionConflict("(batch)", 0, 0) from None
    ordered = [results[i] for i in sorted(results)]
    count = {s: sum(r.status == s for r in ordered) for s in ("CREATED", "DUPLICATE", "INVALID")}
    return BatchResult(created=count["CREATED"], duplicates=count["DUPLICATE"], invalid=count["INVALID"],
                       results=ordered)


async def _write(conn, store, vault, who: Principal, fresh: list, purpose: str) -> None:
    sealer = vault.key_ring()
    for c, _, _ in fresh:
        sealer.new_person(domain.stream_id(c.youth_id))
    # Fresh ids start new streams: appended after version 0 without loading anything.
    await store.append_many(conn, [(domain.stream_id(c.youth_id), 0, [e]) for c, _, e in fresh], sealer=sealer)
    ident = [(kind, d, c.youth_id) for c, keys, _ in fresh for kind, d in keys]
    await conn.execute("INSERT INTO youth_identifiers (kind, digest, youth_id) "
                       "SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[])", *map(list, zip(*ident)))
    await views.save_index(conn, sealer, [domain.youth.evolve(domain.YouthState(), e) for _, _, e in fresh])
    await sealer.flush(conn)
    await views.record_audit(conn, who, "IMPORT", [c.youth_id for c, _, _ in fresh], ["*"], purpose)
