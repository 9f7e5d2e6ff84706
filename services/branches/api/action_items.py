"""Action items of the joint meetings, updated by their assignee: a department's staff for their
department's items, a district's league committee (admin of the district) for the district's, the
city's league office for any. An id of nothing answers like an item of someone else (FORBIDDEN), so
ids cannot be probed; the city's office gets NOT_FOUND."""
from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import Field

from chassis.auth import DEPARTMENT_STAFF, Principal
from chassis.errors import Forbidden, NotFound
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import save_action_item
from ..domain import action_item as ai
from .common import execute, rt_of, stores, today

router = APIRouter(prefix="/action-items", tags=["action items"])
ItemId = Annotated[uuid.UUID, Path(alias="itemId", description="待办事项编号")]


class NoteRequest(ApiModel):
    note: str = Field(max_length=ai.NOTE_MAX)


class DoneRequest(ApiModel):
    note: str = Field("", max_length=ai.NOTE_MAX)


def actor_of(who: Principal) -> ai.Actor:
    who.require("admin", DEPARTMENT_STAFF)
    if who.has_any("admin"):
        return ai.Actor(district=who.district, city_office=who.district is None)
    return ai.Actor(department=who.department)


def _guard(actor: ai.Actor):
    def check(state: ai.ItemState) -> None:
        if not state.exists:
            if actor.city_office:
                raise NotFound("未找到该事项。")
            raise Forbidden("该事项不存在，或不由您承办。", rule="department" if actor.department else "district")
        ai.require_assignee(state, actor)
    return check


async def _act(request: Request, who: Principal, item_id: uuid.UUID, make) -> dict:
    actor, rt, key = actor_of(who), rt_of(request), str(item_id)
    return await execute(rt, stores(rt).action_item, ai.action_item, ai.stream_id(key), make(actor, today(rt)), key,
                         guard=_guard(actor), then=save_action_item)


@router.post("/{itemId}/progress", response_model=Accepted, summary="承办方记录进展")
async def note_progress(item_id: ItemId, body: NoteRequest, request: Request, who: Principal = Depends(caller)):
    return await _act(request, who, item_id, lambda actor, day: ai.NoteProgress(actor, body.note, day))


@router.post("/{itemId}/done", response_model=Accepted, summary="承办方办结事项")
async def complete(item_id: ItemId, body: DoneRequest, request: Request, who: Principal = Depends(caller)):
    return await _act(request, who, item_id, lambda actor, day: ai.CompleteItem(actor, body.note, day))
