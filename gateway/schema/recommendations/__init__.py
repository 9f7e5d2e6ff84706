"""推优 (issue 19) in the GraphQL schema, by role: `types` (a recommendation, the figures), `dashboard` (推优 this
year), `queries` (the district's list), `mutations` (recommend, review, outcome, withdraw; forwarded to the
branches service, which owns them). The member's own: me/recommendations.py."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
