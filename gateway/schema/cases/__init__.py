"""Cases (求助个案) in the GraphQL schema: `types` (the taxonomy from contracts, the Case type), `queries`
(the district-scoped list from the gateway's read model, the audited summary read forwarded to the
stations service), `mutations` (staff steps, forwarded to the stations service)."""
from __future__ import annotations

from .mutations import Mutation
from .queries import Query

__all__ = ["Mutation", "Query"]
