"""Media campaigns (「小岗位 大英雄」, issue 19) in the GraphQL schema, by role: `types`, `dashboard` (campaigns open,
entries and selected entries this year), `queries` (the staff's list and a campaign's entries, the public
showcase), `mutations` (launch, close, judge; a young person's entry and its withdrawal) — forwarded to the
stations service, which owns them and keeps each entry's title and link sealed. A person's own entries are in
`me` (me/types.py)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
