"""Who is assigned work — a joint meeting's action item or a 主动治理 item: a municipal department or a
district. One GraphQL enum for both (their own modules import each other's packages otherwise)."""
from __future__ import annotations

from enum import Enum

import strawberry

ASSIGNEE_KINDS = {"DEPARTMENT": "成员单位", "DISTRICT": "区"}
AssigneeKind = strawberry.enum(Enum("AssigneeKind", {k: k for k in ASSIGNEE_KINDS}),
                               description="承办方：成员单位（市级部门）或区（待办事项、治理事项）")
