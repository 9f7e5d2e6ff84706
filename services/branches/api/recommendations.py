"""推优 routes: a branch's secretary recommends an active member of their branch (to the Party or for
honours) and may withdraw it before the outcome; the district's league committee (admin) reviews it and
records the outcome. Both act within their district: an id of another district answers like an id of
nothing (chassis.auth). The member sees their own under /me/recommendations (youth token)."""
from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.commands import accepted, transaction
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id
from chassis.service import caller

from .. import tables
from ..commands import branch_facts, hold_member, run_recommendation, youth_facts
from ..domain import membership
from ..domain import recommendation as rec
from .common import SECRETARIES, rt_of, stores, today

router = APIRouter(prefix="/recommendations", tags=["recommendations"])
mine = APIRouter(prefix="/me/recommendations", tags=["me"])
RecommendationId = Annotated[uuid.UUID, Path(alias="recommendationId", description="推荐编号")]
COMMITTEE = ("admin",)  # the district's league committee reviews and records outcomes
MISSING = "未找到该推荐。"
LIST_MAX = 200


class RecommendRequest(ApiModel):
    youth_id: uuid.UUID
    branch_id: uuid.UUID
    kind: rec.Kind = Field(description="PARTY（推荐入党）| HONOUR（评优）")
    reason: str = Field(max_length=rec.REASON_MAX, description="推荐理由")


class ReviewRequest(ApiModel):
    accepted: bool
    reason: str = Field("", max_length=rec.REASON_MAX, description="退回时必填")


class OutcomeRequest(ApiModel):
    adopted: bool
    decided_on: date


@router.post("", status_code=201, response_model=Accepted, summary="团支部推优（推荐入党或评优）")
async def recommend(body: RecommendRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    youth_id, recommendation_id = str(body.youth_id), str(uuid.uuid4())
    async with rt.pool.acquire() as conn:  # the district first: another district's caller learns nothing more
        who.require_found_in_district((await branch_facts(conn, stores(rt), str(body.branch_id))).district,
                                      "未找到该团支部。")
    person = await youth_facts(rt.pool, youth_id, wait=rt.settings.consistency_wait_seconds)
    async with transaction(rt.pool) as conn:
        facts = await branch_facts(conn, stores(rt), str(body.branch_id))
        await hold_member(conn, youth_id)
        member = membership.membership.fold((await stores(rt).membership.load(
            conn, membership.stream_id(youth_id))).events)
        envelopes, _ = await run_recommendation(conn, stores(rt), youth_id, rec.Recommend(
            recommendation_id, youth_id, body.kind, body.reason, facts,
            member.branch_id if member.status == membership.Status.MEMBER else None, person, today(rt)))
    return accepted(envelopes, recommendation_id)


async def _act(request: Request, who: Principal, roles: tuple[str, ...], recommendation_id: uuid.UUID,
               command: rec.RecommendationCommand) -> dict:
    who.require(*roles)
    rt = rt_of(request)
    async with transaction(rt.pool) as conn:
        found = await tables.recommendation_youth(conn, str(recommendation_id))
        who.require_found_in_district(found[1] if found else None, MISSING)
        assert found is not None
        envelopes, _ = await run_recommendation(conn, stores(rt), found[0], command)
    return accepted(envelopes, str(recommendation_id))


@router.post("/{recommendationId}/review", response_model=Accepted, summary="区团委审核推荐（同意考察或退回）")
async def review(recommendation_id: RecommendationId, body: ReviewRequest, request: Request,
                 who: Principal = Depends(caller)):
    return await _act(request, who, COMMITTEE, recommendation_id, rec.Review(
        str(recommendation_id), body.accepted, body.reason, today(rt_of(request))))


@router.post("/{recommendationId}/outcome", response_model=Accepted, summary="区团委登记推荐结果")
async def outcome(recommendation_id: RecommendationId, body: OutcomeRequest, request: Request,
                  who: Principal = Depends(caller)):
    return await _act(request, who, COMMITTEE, recommendation_id, rec.RecordOutcome(
        str(recommendation_id), body.adopted, body.decided_on, today(rt_of(request))))


@router.post("/{recommendationId}/withdraw", response_model=Accepted, summary="团支部撤回推荐（结果登记前）")
async def withdraw(recommendation_id: RecommendationId, request: Request, who: Principal = Depends(caller)):
    return await _act(request, who, SECRETARIES, recommendation_id,
                      rec.Withdraw(str(recommendation_id), today(rt_of(request))))


def _shown(row: dict) -> dict:
    return {"recommendationId": row["recommendation_id"], "kind": row["kind"], "branchId": row["branch_id"],
            "district": row["district"], "status": row["status"],
            "recommendedOn": row["recommended_on"].isoformat(), "note": row["note"],
            "decidedOn": row["decided_on"].isoformat() if row["decided_on"] else None}


@router.get("", summary="本区的推优记录（最新在前）")
async def in_district(request: Request, who: Principal = Depends(caller),
                      limit: int = Query(50, ge=1, le=LIST_MAX)) -> dict:
    who.require(*SECRETARIES)
    rt = rt_of(request)
    async with rt.pool.acquire() as conn:
        rows = await tables.recommendations_in(conn, who.district, limit)
    return {"recommendations": [{**_shown(r), "youthId": r["youth_id"]} for r in rows]}


@mine.get("", summary="本人的推优记录：推荐、审核与结果")
async def my_recommendations(request: Request, youth_id: str = Depends(own_youth_id)) -> dict:
    rt = rt_of(request)
    async with rt.pool.acquire() as conn:
        rows = await tables.recommendations_of(conn, youth_id)
    return {"recommendations": [_shown(r) for r in rows]}
