"""Branches HTTP API (FastAPI), one module per aggregate. Field names are camelCase, as in GraphQL."""
from __future__ import annotations

from fastapi import APIRouter

from . import (
               action_items,
               branches,
               face_to_face,
               joint_meetings,
               me,
               measures,
               meetings,
               memberships,
               organisations,
               recommendations,
)

routers: list[APIRouter] = [module.router for module in (branches, organisations, memberships, meetings, measures,
                                                       joint_meetings, action_items, face_to_face, me,
                                                       recommendations)] + [recommendations.mine]
