"""The 12345 side's 集中诉求 and 主动治理 in the GraphQL schema: `types` (HotTopic, GovernanceItem with the
appeals they came from), `queries` (district-scoped lists), `mutations` (forwarded to the stations service).
Their dashboard figures are in cases/dashboard.py, beside the cases'."""
from __future__ import annotations

from .mutations import Mutation
from .queries import Query

__all__ = ["Mutation", "Query"]
