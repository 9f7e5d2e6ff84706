"""The district's 推优 records, for its league committee and branch secretaries (the branches service scopes
them to the caller's district)."""
from __future__ import annotations

import strawberry

from ..common import BRANCHES, forward
from .types import StaffRecommendation


@strawberry.type
class Query:
    @strawberry.field(description="本区推优记录（新到旧；区团委、团支部书记）")
    async def recommendations(self, info: strawberry.Info, limit: int = 50) -> list[StaffRecommendation]:
        answer = await forward(info, BRANCHES, "/recommendations", method="GET", params={"limit": limit})
        return [StaffRecommendation.of(r, youth_id=r["youthId"]) for r in answer["recommendations"]]
