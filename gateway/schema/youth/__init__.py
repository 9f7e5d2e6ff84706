"""Youth in the GraphQL schema, by role: `types` (the registry's enums, records, figures), `dashboard`
(youth figures and the weekly series), `queries` (record, search, audit; from the registry), `mutations`
(the person lifecycle, forwarded to the registry)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
