"""榜样选树 and 宣讲 (issue 19) in the GraphQL schema, by role: `types` (a nomination, a public role model, a talk,
the figures), `dashboard` (this year's figures), `queries` (the staff's lists and the public list), `mutations`
(nominate, select, decline, withdraw, talks, and the nominee's own consent; forwarded to the stations service,
which owns them and keeps the profiles sealed). The nominee's own nominations: me/role_models.py."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
