"""Volunteering (志愿服务, issue 19) in the GraphQL schema, by role: `types` (hours, certificates, the figures),
`dashboard` (volunteer hours on the dashboard), `queries` (certificates of hours), `mutations` (shifts, sign-up,
hours; forwarded to the stations service, which owns them)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
