"""Media campaigns (「小岗位 大英雄」 and the like): the league's admin launches a campaign, closes it early and
judges its entries (a district's league committee for its district, the city's league office for the city);
station staff list the campaigns; a young person enters with their own token, lists and withdraws their
entries; anyone reads a campaign's showcase (its selected entries: title and link, never who entered)."""
from __future__ import annotations

import uuid
from datetime import date

from fastapi import APIRouter, Depends, Query, Request
from pydantic import ConfigDict, Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.own_record import own_youth_id
from chassis.service import caller

from .. import campaign_commands, campaign_tables
from ..deps import Runtime, runtime
from ..domain import campaign, campaign_entry

router = APIRouter(tags=["campaigns"])
ADMIN = "admin"
READERS = ("admin", "station_staff")


class LaunchRequest(ApiModel):
    model_config = ConfigDict(str_max_length=campaign.THEME_MAX)
    title: str = Field(description=f"征集名称（不超过 {campaign.TITLE_MAX} 字）")
    theme: str = Field(description=f"征集主题与说明（不超过 {campaign.THEME_MAX} 字）")
    district: str | None = Field(None, description="区县代码；不填为令牌的范围（区级令牌为本区，全市令牌为全市征集）")
    opens_on: date = Field(description="开始征集日期（北京时间，不早于今天）")
    closes_on: date = Field(description="截止日期（含当天；不早于开始日期，征集期不超过一年）")
    audiences: list[str] = Field(description="面向的青年群体：ONLINE_CULTURE | INDEPENDENT_ART | NEW_BUSINESS")


class JudgeRequest(ApiModel):
    selected: bool
    note: str | None = Field(None, description=f"评选说明（可选，不超过 {campaign_entry.NOTE_MAX} 字；不写入作者信息）")


class EntryRequest(ApiModel):
    model_config = ConfigDict(str_max_length=campaign_entry.LINK_MAX)
    campaign_id: uuid.UUID
    title: str = Field(description=f"作品标题（不超过 {campaign_entry.TITLE_MAX} 字）")
    link: str = Field(description=f"作品链接（https://，不超过 {campaign_entry.LINK_MAX} 个字符）")
    consent_to_publish: bool = Field(description="同意公开发布作品的标题与链接（必须为 true）")


@router.post("/campaigns", status_code=201, response_model=Accepted, summary="发布征集活动（团委管理员）")
async def launch(body: LaunchRequest, request: Request, who: Principal = Depends(caller)):
    who.require(ADMIN)
    district = body.district if body.district is not None else who.district
    if district is not None:  # None: a city-wide token's campaign for the whole city
        who.require_in(district, ADMIN)
    rt = runtime(request)
    command = campaign.LaunchCampaign(str(uuid.uuid4()), district, body.title, body.theme, body.opens_on,
                                      body.closes_on, tuple(body.audiences), rt.deps.clock.today())
    return await campaign_commands.launch(rt, command)


@router.post("/campaigns/{campaign_id}/close", response_model=Accepted, summary="提前结束征集（团委管理员）")
async def close(campaign_id: uuid.UUID, request: Request, who: Principal = Depends(caller)):
    who.require(ADMIN)
    return await campaign_commands.close(runtime(request), who, str(campaign_id))


@router.get("/campaigns", summary="征集活动（本区及全市的；新到旧），含各状态作品数")
async def list_campaigns(request: Request, district: str | None = Query(None), who: Principal = Depends(caller)):
    who.require(*READERS)
    if district is not None:
        who.require_district(district)
    today = runtime(request).deps.clock.today()
    async with runtime(request).pool.acquire() as conn:
        rows = await campaign_tables.campaigns(conn, who.district or district)
    return {"campaigns": [_campaign(r, today) for r in rows]}


@router.get("/campaigns/{campaign_id}/entries", summary="征集作品（供评选：状态、标题、链接；不含作者）")
async def entries(campaign_id: uuid.UUID, request: Request, who: Principal = Depends(caller)):
    who.require(ADMIN)
    rows = await campaign_commands.campaign_entries(runtime(request), who, str(campaign_id))
    return {"entries": [_entry(r) for r in rows]}


@router.get("/campaigns/{campaign_id}/showcase", summary="征集活动的入选作品（公开：仅标题与链接）")
async def showcase(campaign_id: uuid.UUID, request: Request):
    # Public on purpose: what the entrants consented to publish, and nothing else (no token needed).
    state, rows = await campaign_commands.showcase(runtime(request), str(campaign_id))
    return {"campaignId": state.campaign_id, "title": state.title,
            "entries": [{"title": r["title"], "link": r["link"]} for r in rows]}


@router.post("/campaign-entries/{entry_id}/judge", response_model=Accepted, summary="评选作品：入选或未入选")
async def judge(entry_id: uuid.UUID, body: JudgeRequest, request: Request, who: Principal = Depends(caller)):
    who.require(ADMIN)
    return await campaign_commands.judge(runtime(request), who, str(entry_id), body.selected, body.note)


@router.post("/me/campaign-entries", status_code=201, response_model=Accepted, summary="本人参加征集（提交作品）")
async def enter(body: EntryRequest, request: Request, youth_id: str = Depends(own_youth_id)):
    return await campaign_commands.submit(runtime(request), youth_id, str(uuid.uuid4()), str(body.campaign_id),
                                          body.title, body.link, body.consent_to_publish)


@router.post("/me/campaign-entries/{entry_id}/withdraw", response_model=Accepted, summary="本人撤回作品（评选前）")
async def withdraw(entry_id: uuid.UUID, request: Request, youth_id: str = Depends(own_youth_id)):
    return await campaign_commands.withdraw(runtime(request), youth_id, str(entry_id))


@router.get("/me/campaign-entries", summary="本人提交的征集作品（新到旧）")
async def my_entries(request: Request, youth_id: str = Depends(own_youth_id)):
    return {"entries": await own_entries(runtime(request), youth_id)}


async def own_entries(rt: Runtime, youth_id: str) -> list[dict]:
    """The person's entries as `me` and their export (api/me.py) show them, with their own title and link."""
    return [_entry(r) for r in await campaign_commands.own_entries(rt, youth_id)]


def _campaign(r, today: date) -> dict:
    state = campaign.CampaignState(exists=True, opens_on=r["opens_on"], closes_on=r["closes_on"], closed=r["closed"])
    return {"id": r["campaign_id"], "district": r["district"], "title": r["title"], "theme": r["theme"],
            "opensOn": r["opens_on"].isoformat(), "closesOn": r["closes_on"].isoformat(),
            "audiences": list(r["audiences"]), "status": state.status(today).value,
            "entries": r["counts"]}  # status → count (jsonb, decoded by the pool)


def _entry(r) -> dict:
    """An entry as its admin and its entrant see it (title and link None once the entrant was erased)."""
    return {"id": r["entry_id"], "campaignId": r["campaign_id"], "campaignTitle": r["campaign_title"],
            "status": r["status"], "note": r["note"], "submittedAt": r["submitted_at"].isoformat(),
            "title": r["title"], "link": r["link"]}
