"""What `me` shows of a young person's own 推优, from the branches service (which asks the registry whose record
the token's account is linked to, so no argument names a person)."""
from __future__ import annotations

import strawberry

from ..common import BRANCHES, forward
from ..recommendations.types import Recommendation


async def my_recommendations(info: strawberry.Info) -> list[Recommendation]:
    answer = await forward(info, BRANCHES, "/me/recommendations", method="GET")
    return [Recommendation.of(r) for r in answer["recommendations"]]
