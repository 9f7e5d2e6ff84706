"""推优's output types: a recommendation as staff and the member see it, and the dashboard's figures."""
from __future__ import annotations

from datetime import date
from typing import Any

import strawberry

from contracts.branches import RecommendationKind

Kind = strawberry.enum(RecommendationKind, name="RecommendationKind", description="PARTY：推荐入党；HONOUR：评优")


@strawberry.type(description="一项推优：推荐入党（PARTY）或评优（HONOUR）")
class Recommendation:
    id: strawberry.ID
    kind: Kind  # type: ignore[valid-type]
    status: str = strawberry.field(description="RECOMMENDED 已推荐 | ACCEPTED 审核同意考察 | RETURNED 退回 | "
                                               "ADOPTED 已采纳 | NOT_ADOPTED 未采纳 | WITHDRAWN 已撤回 | "
                                               "ENDED 因离开团支部或登记删除而终止")
    branch_id: strawberry.ID
    district: str
    recommended_on: date
    note: str = strawberry.field(description="退回时区团委的说明")
    decided_on: date | None = strawberry.field(description="结果日期")

    @classmethod
    def of(cls, r: dict, **more: Any) -> Recommendation:
        return cls(**more, id=r["recommendationId"], kind=Kind(r["kind"]), status=r["status"], branch_id=r["branchId"],
                   district=r["district"], recommended_on=date.fromisoformat(r["recommendedOn"]), note=r["note"],
                   decided_on=date.fromisoformat(d) if (d := r["decidedOn"]) else None)


@strawberry.type(description="区团委查看的推优记录（含团员编号，不含姓名）")
class StaffRecommendation(Recommendation):
    youth_id: strawberry.ID | None = strawberry.field(description="团员编号；登记删除后为空")


@strawberry.type(description="某类推优的本年数字")
class KindFigures:
    kind: Kind  # type: ignore[valid-type]
    recommended: int
    adopted: int


@strawberry.type(description="推优：本年（北京时间）推荐与采纳的人数")
class RecommendationFigures:
    this_year: int = strawberry.field(description="本年推荐（推荐入党与评优合计）")
    adopted_this_year: int = strawberry.field(description="本年推荐中已采纳")
    by_kind: list[KindFigures]
