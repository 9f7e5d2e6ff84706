"""The joint meeting's own work in the GraphQL schema (issue 18): the member departments, the measures
with their stale flag and the departments' reports, the joint meetings and their action items, the next
meeting's agenda. `types`, `dashboard` (its figures on the dashboard), `queries`, `mutations` (forwarded
to the branches service, which checks roles, departments and every rule again)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
