"""榜样选树's output types: a role model on the public list (a nomination, as staff and the
nominee see it, is me/role_models.py's), a talk, and the dashboard's figures (counts only)."""
from __future__ import annotations

from datetime import date

import strawberry

from contracts.stations import VenueKind

Venue = strawberry.enum(VenueKind, name="VenueKind", description="宣讲场所：PARK 园区；COMPANY 企业；STATION 驿站；ONLINE 线上")


@strawberry.type(description="公开的年度榜样（已入选且本人同意公开）")
class PublicRoleModel:
    id: strawberry.ID
    district: str
    year: int
    name: str
    photo_ref: str
    story: str


@strawberry.type(description="一场榜样宣讲")
class RoleModelTalk:
    nomination_id: strawberry.ID
    talk_id: strawberry.ID
    district: str
    venue_kind: Venue  # type: ignore[valid-type]
    place: str
    given_on: date
    audience: int


@strawberry.type(description="某类场所的本年宣讲")
class VenueFigures:
    venue_kind: Venue  # type: ignore[valid-type]
    talks: int
    audience: int


@strawberry.type(description="榜样选树与宣讲：本年（北京时间）数字")
class RoleModelFigures:
    year: int = strawberry.field(description="统计的年度")
    nominated: int = strawberry.field(description="本年提名")
    selected: int = strawberry.field(description="入选本年度榜样")
    withdrawn: int = strawberry.field(description="本年度榜样中已撤下（工作人员撤销或本人撤回同意）")
    talks: int = strawberry.field(description="本年宣讲场次")
    audience: int = strawberry.field(description="本年宣讲听众人次")
    by_venue: list[VenueFigures] = strawberry.field(description="按场所类型（每类都列出，没有时为 0）")
