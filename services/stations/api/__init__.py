"""Stations HTTP API (FastAPI), one module per resource. Field names are camelCase as in the GraphQL
schema, except the Open311 import, which keeps GeoReport v2's own snake_case names."""
from __future__ import annotations

from fastapi import APIRouter

from . import (
    appeals,
    campaigns,
    cases,
    events,
    governance,
    internships,
    me,
    my_cases,
    programmes,
    projects,
    role_models,
    service_records,
    stations,
    volunteering,
)

routers: list[APIRouter] = [stations.router, service_records.router, programmes.router, events.router,
                            appeals.router, cases.router, governance.router, me.router,
                            my_cases.router, volunteering.router, projects.router, role_models.router,
                            campaigns.router, internships.router]
