from __future__ import annotations

import httpx
import pytest

from gateway.app import create_app as create_gateway
from gateway.clients import ServiceClient
from services.registry.app import create_app as create_registry
from tests.support import running

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
async def registry(settings):
    async with running(create_registry(settings)) as client:
        yield client


@pytest.fixture(scope="module")
async def gateway(settings, registry):
    """The gateway, forwarding mutations to the in-process registry over ASGI."""
    async with running(create_gateway(settings)) as client:
        rt = client.app.state.runtime
        rt.extras["registry"] = ServiceClient("registry", "http://registry",
                                              transport=httpx.ASGITransport(app=registry.app))
        yield client
