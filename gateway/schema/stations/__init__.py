"""Stations in the GraphQL schema, by role: `types` (enums, output types), `dashboard` (stations and
person-times, programmes, events, 12345 appeals on the dashboard), `queries` (paginated lists, nearest
stations), `mutations` (forwarded to the stations service)."""
from __future__ import annotations

from .dashboard import DashboardPart
from .mutations import Mutation
from .queries import Query

__all__ = ["DashboardPart", "Mutation", "Query"]
