"""Registry HTTP API, operators' search: filters on the query table, exact lookup through the blind index,
keyset pages. Personal fields come from each row's sealed card, by role; every search is audited.

A lookup by mobile or ID number is for operators only, audited even when it finds nobody, and limited per
caller; a search that takes a caller over its hourly allowance of people is audited as BULK_READ
(read_limits.py)."""
from __future__ import annotations

from datetime import date

import orjson
from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field

from chassis.auth import Principal
from chassis.commands import transaction
from chassis.errors import FieldError, ValidationFailed
from chassis.http import ApiModel
from chassis.service import caller
from chassis.vault import CARD, KeyRing
from contracts.registry import Status

from .. import tables
from ..access import OPERATORS, audited_fields, personal_view, readable_fields
from ..deps import runtime
from ..domain.state import stream_id
from ..identity import AGE_BANDS, normalize_employer
from ..read_limits import admit_lookup, listing_action

router = APIRouter(tags=["youth"])
MAX_PAGE = 100


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
    lookup = [name for name, v in (("mobile", body.mobile), ("idNumber", body.id_number)) if v]
    if lookup:
        who.require(*OPERATORS)
    fields = readable_fields(who, reveal_id=False)
    card_fields = tuple(f for f in fields if f in ("name", "gender", "mobile", "mobile_masked", "id_number"))
    if body.district:
        who.require_district(body.district)
    if body.age_band and body.age_band not in {f"{lo}-{hi}" for lo, hi in AGE_BANDS}:
        raise ValidationFailed([FieldError("ageBand", "年龄段无效：应为 " + "、".join(
            f"{lo}-{hi}" for lo, hi in AGE_BANDS), "enum")])
    after = body.after
    if after is not None and (len(after) != 2 or not all(isinstance(x, str) for x in after)):
        raise ValidationFailed([FieldError("after", "分页游标无效：请使用上一页返回的 endCursor", "cursor")])
    rt = runtime(request)
    vault = rt.deps.vault
    async with transaction(rt.pool) as conn:
        ids = None
        if lookup:
            await admit_lookup(conn, who, rt.settings.registry_lookups_per_minute)
            ids = await tables.lookup(conn, vault, mobile=body.mobile, id_number=body.id_number)
        f = tables.SearchFilter(
            district=body.district or who.district, youth_type=body.youth_type, subtype=body.subtype,
            employer_digest=vault.blind_index("employer", normalize_employer(body.employer)) if body.employer else None,
            age_band=body.age_band, registered_from=body.registered_from, registered_to=body.registered_to,
            status=body.status, youth_ids=ids)
        try:
            rows = await tables.search(conn, f, today=rt.deps.clock.today(), after=after, limit=body.first + 1)
        except ValueError:
            raise ValidationFailed([FieldError("after", "分页游标无效：请使用上一页返回的 endCursor", "cursor")]) from None
        page = rows[:body.first]
        items = []
        keys = vault.key_ring()
        await keys.preload([stream_id(r["youth_id"]) for r in page if r["card"] is not None])  # one round trip
        for r in page:
            card = await _card(keys, r)
            items.append(SearchItem(id=r["youth_id"], district=r["district"], youthType=r["youth_type"],
                                    subtype=r["subtype"], employerKind=r["employer_kind"],
                                    registeredOn=r["registered_on"], status=r["status"],
                                    **personal_view(card, card_fields)))
        action = "LOOKUP" if lookup else await listing_action(conn, who, "SEARCH", len(items),
                                                              rt.settings.registry_bulk_read_per_hour)
        # A lookup that finds nobody is audited too (one row without a person): probing for who is registered
        # leaves a trail, and it counts towards the caller's limit.
        await tables.record_audit(conn, who, action, [i.id for i in items] or (None if lookup else []),
                                  audited_fields(card_fields) + [f"by:{n}" for n in lookup],
                                  body.purpose or "检索")
    end = [page[-1]["registered_on"].isoformat(), page[-1]["youth_id"]] if page else None
    return SearchResult(items=items, hasNextPage=len(rows) > body.first, endCursor=end)


async def _card(keys: KeyRing, row) -> dict:
    if row["card"] is None:
        return {}
    plain = await keys.unseal(None, stream_id(row["youth_id"]), row["card"], CARD)
    return orjson.loads(plain) if plain is not None else {}
