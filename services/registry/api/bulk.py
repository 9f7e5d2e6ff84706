"""Bulk registration (survey sheets): POST /youth:batch takes many rows and answers per row.

One transaction per call: rows are validated one by one (a bad row is reported with its line and
reasons, the others go on); duplicates are found through the blind index, against the registry and
within the batch, and answered as DUPLICATE (a re-run of the same file reports every row as already
imported). The existing id comes with it only when the caller could read that person anyway: a district
operator is not told the id of someone registered in another district, as on the single path
(`commands.duplicate`). The good rows are written by `commands.register_many` with a handful of
statements, and audited with one.
"""
from __future__ import annotations

import unicodedata
import uuid
from typing import Any

import asyncpg
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, model_validator
from pydantic import ValidationError as PydanticValidationError

from chassis.auth import Principal
from chassis.commands import transaction
from chassis.errors import AppError, ValidationFailed, VersionConflict
from chassis.http import ApiModel, field_errors
from chassis.service import caller

from .. import commands, tables
from ..access import OPERATORS
from ..deps import runtime
from ..domain.decider import registration
from .youth import RegisterYouthRequest

router = APIRouter(tags=["youth"])
MAX_ROWS = 2000


class BatchRow(ApiModel):
    line: int = Field(description="行号（报告用）")
    data: dict[str, Any] = Field(description="与登记接口相同的字段")

    @model_validator(mode="before")
    @classmethod
    def _nfc(cls, data: Any) -> Any:
        """Not here: `data` is brought to NFC once, when the row is validated as a RegisterYouthRequest (walking
        every row's text three times — batch, row, request — was a tenth of the registry's import CPU)."""
        return data


class BatchRequest(ApiModel):
    rows: list[BatchRow] = Field(max_length=MAX_ROWS)
    purpose: str | None = Field(None, max_length=100)

    @model_validator(mode="before")
    @classmethod
    def _nfc(cls, data: Any) -> Any:
        """The purpose only: each row normalises its own text (BatchRow)."""
        if isinstance(data, dict) and isinstance(data.get("purpose"), str):
            return {**data, "purpose": unicodedata.normalize("NFC", data["purpose"])}
        return data


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
    rt = runtime(request)
    vault = rt.deps.vault
    on = rt.deps.clock.today()
    results: dict[int, RowResult] = {}
    good = []  # (row index, youth id, [(kind, digest)], event)
    for index, row in enumerate(body.rows):
        try:
            req = RegisterYouthRequest.model_validate(row.data)
            who.require_district(req.district)
            command = req.command(str(uuid.uuid4()), on)
            event = registration(command)
        except Exception as exc:  # noqa: BLE001 — every row failure is reported, never a 500
            results[index] = RowResult(line=row.line, status="INVALID", errors=_errors_of(exc))
            continue
        digests = [("mobile", vault.blind_index("mobile", event.mobile))]
        if event.id_number:
            digests.append(("id_number", vault.blind_index("id_number", event.id_number)))
        good.append((index, command.youth_id, digests, event))

    async with transaction(rt.pool) as conn:
        known = await tables.identifier_owners(conn, [pair for _, _, digests, _ in good for pair in digests])
        elsewhere = {y for y, d in (await tables.districts_of(conn, list(set(known.values())))).items()
                     if not who.sees_district(d)}
        fresh = []
        for index, youth_id, digests, event in good:
            existing = next((known[d] for _, d in digests if d in known), None)
            if existing:
                results[index] = RowResult(line=body.rows[index].line, status="DUPLICATE",
                                           id=None if existing in elsewhere else existing)
                continue
            for _, d in digests:
                known[d] = youth_id  # later rows of this batch with the same identifier are duplicates
            results[index] = RowResult(line=body.rows[index].line, status="CREATED", id=youth_id)
            fresh.append((youth_id, digests, event))
        if fresh:
            try:
                await commands.register_many(conn, rt.deps.store, vault, fresh)
            except asyncpg.UniqueViolationError:  # a concurrent registration took an identifier: retry the batch
                raise VersionConflict("(batch)", 0, 0) from None
            await tables.record_audit(conn, who, "IMPORT", [y for y, _, _ in fresh], ["*"],
                                      body.purpose or "批量导入")
    ordered = [results[i] for i in sorted(results)]
    count = {s: sum(r.status == s for r in ordered) for s in ("CREATED", "DUPLICATE", "INVALID")}
    return BatchResult(created=count["CREATED"], duplicates=count["DUPLICATE"], invalid=count["INVALID"],
                       results=ordered)
