"""The registry's HTTP API, one router per resource: people (commands), one person's profile and export,
search, bulk import, the audit trail, master-key rotation, and a young person's own record (`me`)."""
from __future__ import annotations

from fastapi import APIRouter

from . import audit, bulk, keys, me, profile, search, youth

routers: list[APIRouter] = [bulk.router, youth.router, profile.router, search.router, audit.router, keys.router,
                            me.router]
