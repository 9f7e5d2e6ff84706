"""How the demo seeders reach a service: its HTTP API with an admin token, and its database while
they wait for it to have heard of the people the registry seeding just wrote."""
from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg
import httpx

from chassis.auth import issue_token
from chassis.keys import jwt_private_key
from chassis.settings import Settings

T = TypeVar("T")


def admin_client(settings: Settings, service: str) -> httpx.AsyncClient:
    token = issue_token(jwt_private_key(settings), settings, roles=["admin"], subject="seed")
    return httpx.AsyncClient(base_url=settings.service_url(service), timeout=30,
                             headers={"authorization": f"Bearer {token}"})


async def read_when_ready(settings: Settings, service: str, read: Callable[[asyncpg.Connection], Awaitable[T]],
                          ready: Callable[[T], bool], timeout: float = 60) -> T:
    """`read` the service's database every half second until `ready` says yes or `timeout` seconds have
    passed (the service learns of people from registry events, a little after they were written)."""
    conn = await asyncpg.connect(settings.database_url(settings.database(service)))
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            found = await read(conn)
            if ready(found) or asyncio.get_running_loop().time() > deadline:
                return found
            await asyncio.sleep(0.5)
    finally:
        await conn.close()
