"""A service's client of another never reuses a connection the server may be closing (keep-alive race)."""
from __future__ import annotations

import uvicorn

from chassis.own_record import OwnRecord
from chassis.service_client import KEEPALIVE_SECONDS, ServiceHttp
from gateway.clients import ServiceClient


async def test_clients_drop_idle_connections_well_before_the_server_does():
    server_timeout = uvicorn.Config(app=None).timeout_keep_alive  # what every app runs with (5 s)
    assert KEEPALIVE_SECONDS <= server_timeout / 2
    for client in (ServiceClient("registry", "http://registry").http, OwnRecord("http://registry").http):
        session = client._send.open()  # the aiohttp session the first call makes
        try:
            assert session.connector._keepalive_timeout == KEEPALIVE_SECONDS  # aiohttp keeps it on the connector
        finally:
            await client.aclose()


async def test_a_calls_span_names_the_port_the_url_implies_when_it_gives_none():
    for url, port in (("https://registry.example", 443), ("http://registry", 80), ("http://registry:8001", 8001)):
        client = ServiceHttp(url, timeout=1)
        try:
            assert client._attributes["server.port"] == port, url
        finally:
            await client.aclose()
