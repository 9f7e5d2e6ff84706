"""The partner publisher's HTTP API: none of its own (the chassis gives it health and readiness).
Agencies read their Kafka topics; nobody calls the publisher."""
from __future__ import annotations

from fastapi import APIRouter

routers: list[APIRouter] = []
