"""筑梦空间 (issue 19) in the GraphQL schema, by role: `types` (the figures), `dashboard` (active projects on the
dashboard), `mutations` (apply, support, decline, milestones, end; forwarded to the stations service, which owns
them). A person's own projects are in `me` (me/projects.py)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation

__all__ = ["DashboardPart", "Mutation"]
