"""Proactive governance (主动治理): a hot topic (集中诉求, detected by the job) opened as a governance item
assigned to a department or district, with actions and a due date, tracked to done. Station staff of the
hot topic's district and admins only."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from .. import commands
from ..deps import runtime
from ..domain import governance
from ..domain.hot_topic import HotTopicState
from .common import STAFF, moment

router = APIRouter(tags=["governance"])


class OpenItemRequest(ApiModel):
    title: str = Field(description="治理事项名称", max_length=governance.TITLE_MAX)
    assignee_kind: str = Field(description="DEPARTMENT（市级部门）| DISTRICT（区）")
    assignee: str = Field(description="承办部门名称，或区县代码")
    due_on: date = Field(description="完成期限（北京时间，当日内）")
    at: datetime | None = None


class ActionRequest(ApiModel):
    text: str = Field(description="治理措施", max_length=governance.ACTION_MAX)
    at: datetime | None = None


class DoneRequest(ApiModel):
    at: datetime | None = None


@router.post("/hot-topics/{topic_id}/governance", status_code=201, response_model=Accepted,
             summary="集中诉求立项治理（每个集中诉求一项）")
async def open_item(topic_id: uuid.UUID, body: OpenItemRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    rt = runtime(request)
    at = moment(rt, body.at)

    def make(topic: HotTopicState) -> governance.OpenItem:
        assert topic.district is not None  # the guard found it in the caller's district
        return governance.OpenItem(
            item_id=governance.item_id_for(topic.hot_topic_id), hot_topic_id=topic.hot_topic_id,
            category=topic.category, district=topic.district, week=topic.week, title=body.title,
            assignee_kind=body.assignee_kind, assignee=body.assignee, due_on=body.due_on, at=at)
    return await commands.open_governance_item(rt, who, str(topic_id), make)


@router.post("/governance/{item_id}/actions", response_model=Accepted, summary="登记治理措施")
async def add_action(item_id: uuid.UUID, body: ActionRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    rt = runtime(request)
    return await commands.governance_step(rt, who, str(item_id), governance.AddAction(body.text, moment(rt, body.at)))


@router.post("/governance/{item_id}/done", response_model=Accepted, summary="治理事项完成")
async def done(item_id: uuid.UUID, body: DoneRequest, request: Request, who: Principal = Depends(caller)):
    who.require(*STAFF)
    rt = runtime(request)
    return await commands.governance_step(rt, who, str(item_id), governance.CompleteItem(moment(rt, body.at)))
