"""What `me` shows of a young person's own 榜样 nominations, with the profile that would be published (theirs to
read before they consent), from the stations service (which asks the registry whose record the token is). The
nomination's type is here, staff's list (role_models/queries.py) shows the same: `me` is built before the domains."""
from __future__ import annotations

from datetime import datetime

import strawberry

from ..common import STATIONS, forward


@strawberry.type(description="榜样的公开资料（个人信息：在驿站服务中加密保存；本人删除登记后不再可读）")
class RoleModelProfile:
    name: str = strawberry.field(description="姓名（登记服务中的姓名，提名时核对）")
    photo_ref: str = strawberry.field(description="照片引用（文件编号或网址）")
    story: str = strawberry.field(description="榜样事迹")

    @classmethod
    def of(cls, p: dict | None) -> RoleModelProfile | None:
        return None if p is None else cls(name=p["name"], photo_ref=p["photoRef"], story=p["story"])


@strawberry.type(description="一项榜样提名")
class RoleModelNomination:
    id: strawberry.ID
    district: str
    status: str = strawberry.field(description="NOMINATED 已提名 | SELECTED 已入选 | DECLINED 不予入选 | WITHDRAWN 已撤销")
    consent: str = strawberry.field(description="本人是否同意公开：PENDING 未答复 | GIVEN 已同意 | REFUSED 不同意或已撤回")
    year: int | None = strawberry.field(description="入选的榜样年度")
    nominated_at: datetime
    profile: RoleModelProfile | None = strawberry.field(description="将公开的资料；本人删除登记后为 null")
    youth_id: strawberry.ID | None = strawberry.field(description="被提名人的青年编号（本人看到的即自己的）；删除登记后为空")

    @classmethod
    def of(cls, r: dict) -> RoleModelNomination:
        return cls(id=r["id"], district=r["district"], status=r["status"], consent=r["consent"], year=r["year"],
                   nominated_at=datetime.fromisoformat(r["nominatedAt"]), profile=RoleModelProfile.of(r["profile"]),
                   youth_id=r["youthId"])



async def my_role_model_nominations(info: strawberry.Info) -> list[RoleModelNomination]:
    answer = await forward(info, STATIONS, "/me/role-models", method="GET")
    return [RoleModelNomination.of(r) for r in answer["nominations"]]
