"""筑梦空间 (issue 19) in the GraphQL schema, by role: `types` (the figures and lists), `dashboard` (active projects
on the dashboard), `queries` (the staff lists of projects, internships and an internship's applications),
`mutations` (apply, support, decline, milestones, end; internships offered, applied for, decided, withdrawn,
closed; forwarded to the stations service, which owns them). A person's own projects and internship
applications are in `me` (me/projects.py)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
