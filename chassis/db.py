"""PostgreSQL access: the pool, migrations, and the line between 'database down' and 'bug'."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import orjson

from .errors import Unavailable

log = logging.getLogger(__name__)
CHASSIS_MIGRATIONS = Path(__file__).parent / "migrations"

# Raised when the server is gone, restarting or refusing: the request fails fast with 503.
UNAVAILABLE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.TooManyConnectionsError,
    asyncpg.exceptions.InterfaceError,
)


async def init_connection(conn: asyncpg.Connection) -> None:
    for typ in ("json", "jsonb"):
        await conn.set_type_codec(typ, encoder=lambda v: orjson.dumps(v).decode(), decoder=orjson.loads,
                                  schema="pg_catalog")


async def keep_session(conn: asyncpg.Connection) -> None:
    """Pool release without asyncpg's reset query (advisory unlock all, CLOSE ALL, UNLISTEN, RESET ALL):
    a round trip on every request, for session state pool connections never take here — listeners and
    session advisory locks live on connections of their own (relay), jobs lock per transaction
    (scheduler), nothing SETs session variables. asyncpg still rolls back an open transaction."""


async def create_pool(dsn: str, *, max_size: int = 10, command_timeout: float = 5.0) -> asyncpg.Pool:
    return await asyncpg.create_pool(dsn, min_size=1, max_size=max_size, command_timeout=command_timeout,
                                     init=init_connection, timeout=command_timeout, reset=keep_session)


async def wait_for_database(dsn: str, timeout: float = 60.0, *, create: bool = False) -> None:
    """Wait until the server answers; with `create` (development and tests), create the database."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        try:
            conn = await asyncpg.connect(dsn, timeout=3)
            await conn.close()
            return
        except asyncpg.InvalidCatalogNameError:
            if not create:
                raise
            server, _, name = dsn.rpartition("/")
            conn = await asyncpg.connect(f"{server}/postgres", timeout=3)
            try:
                await conn.execute(f'CREATE DATABASE "{name}"')
            except asyncpg.DuplicateDatabaseError:
                pass
            finally:
                await conn.close()
        except UNAVAILABLE_ERRORS + (asyncpg.exceptions.PostgresError,) as exc:
            if asyncio.get_running_loop().time() > deadline:
                raise
            log.warning("database not reachable yet, retrying", extra={"error": type(exc).__name__})
            await asyncio.sleep(1)


async def migrate(pool: asyncpg.Pool, *directories: Path) -> list[str]:
    """Apply the chassis' and then the service's SQL files once each, in name order."""
    applied: list[str] = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('xq:migrations'))")
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, "
                           "applied_at timestamptz NOT NULL DEFAULT now())")
        done = {r["name"] for r in await conn.fetch("SELECT name FROM schema_migrations")}
        for directory in (CHASSIS_MIGRATIONS, *directories):
            for path in sorted(directory.glob("*.sql")):
                name = f"{directory.parent.name}/{path.name}"
                if name in done:
                    continue
                await conn.execute(path.read_text())
                await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)
                applied.append(name)
    return applied


@asynccontextmanager
async def unavailable_as_503(pool: asyncpg.Pool):
    """Acquire a connection; a database that is down becomes `Unavailable` (503 + Retry-After)."""
    try:
        async with pool.acquire() as conn:
            try:
                yield conn
            except asyncpg.exceptions.InternalClientError:
                # "cannot switch to state …; another operation is in progress": a connection whose
                # protocol state a server restart left broken (seen in tests/faults). Never reuse it.
                conn.terminate()
                raise
    except UNAVAILABLE_ERRORS + (asyncpg.exceptions.InternalClientError,) as exc:
        raise Unavailable() from exc
