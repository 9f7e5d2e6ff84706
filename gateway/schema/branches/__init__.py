"""League organisation in the GraphQL schema, by role: `types` (enums, output types), `dashboard` (its
figures on the dashboard), `queries` (paginated lists), `mutations` (forwarded to the branches service)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query
from .types import Branch, youth_branch

__all__ = ["Branch", "DashboardPart", "Mutation", "Query", "youth_branch"]
