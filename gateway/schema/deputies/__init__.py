"""面对面 with deputies (issue 19) in the GraphQL schema: `types` (sessions, issues, proposals, the
figures), `dashboard` (sessions and proposals by status), `queries` (district scope; a department sees the
proposals addressed to it), `mutations` (forwarded to the branches service, which checks every rule again)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
