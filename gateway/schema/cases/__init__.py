"""Cases (求助个案) in the GraphQL schema: `types` (the taxonomy from contracts, the Case type), `dashboard`
(the cases' and governance figures), `queries`
(the district-scoped list from the gateway's read model, the audited summary read forwarded to the
stations service), `mutations` (staff steps, forwarded to the stations service)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
