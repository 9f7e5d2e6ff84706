from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from chassis.own_record import OwnRecord
from gateway.app import create_app as create_gateway
from gateway.clients import ServiceClient
from services.branches.app import create_app as create_branches
from services.registry.app import create_app as create_registry
from services.stations.app import create_app as create_stations
from services.stations.config import StationsConfig
from tests.support import running

HERE = Path(__file__).parent


def pytest_collection_modifyitems(items):
    """Every test in this folder runs against the real PostgreSQL and Kafka: marked `integration` here, once
    (a conftest's `pytestmark` marks nothing, so the modules each repeated it, and some had forgotten it)."""
    for item in items:
        if HERE in item.path.parents:
            item.add_marker(pytest.mark.integration)


@pytest.fixture(scope="module")
async def registry(settings):
    async with running(create_registry(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def gateway(settings, registry, branches, stations):
    """The gateway, forwarding mutations to the in-process services over ASGI."""
    async with running(create_gateway(settings)) as client:
        rt = client.app.state.runtime
        rt.deps.clients["registry"] = ServiceClient("registry", "http://registry",
                                              transport=httpx.ASGITransport(app=registry.app))
        rt.deps.clients["branches"] = ServiceClient("branches", "http://branches",
                                              transport=httpx.ASGITransport(app=branches.app))
        rt.deps.clients["stations"] = ServiceClient("stations", "http://stations",
                                              transport=httpx.ASGITransport(app=stations.app))
        # A youth token's own record: the services ask the in-process registry, as the gateway does.
        for service in (branches, stations):
            service.app.state.runtime.deps.registry = OwnRecord(
                "http://registry", transport=httpx.ASGITransport(app=registry.app))
        yield client


@pytest.fixture(scope="module")
async def branches(settings):
    """The branches service in-process (its own database, topics and view of registry events)."""
    async with running(create_branches(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def stations(settings):
    """The stations service in-process; its overdue marking runs every half second."""
    async with running(create_stations(settings, StationsConfig(overdue_scan_seconds=0.5))) as client:
        yield client
