"""PostgreSQL access: the pool, migrations, and the line between 'database down' and 'bug'."""
from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TypeAlias

import asyncpg
import orjson
from asyncpg.pool import PoolConnectionProxy

from .errors import Unavailable
from .retry import retrying

CHASSIS_MIGRATIONS = Path(__file__).parent / "migrations"

# What queries run on: a connection of its own, or the pool's (`pool.acquire()` lends a proxy of one).
Connection: TypeAlias = "asyncpg.Connection | PoolConnectionProxy"

# Raised when the server is gone, restarting, refusing or out of a resource (class 53: disk full, out of memory,
# too many connections): the request fails fast with 503, to be retried; nothing of it was stored.
UNAVAILABLE_ERRORS: tuple[type[Exception], ...] = (
    OSError,
    asyncio.TimeoutError,
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.CannotConnectNowError,
    asyncpg.exceptions.ConnectionFailureError,
    asyncpg.exceptions.AdminShutdownError,
    asyncpg.exceptions.CrashShutdownError,
    asyncpg.exceptions.InsufficientResourcesError,  # DiskFullError, OutOfMemoryError, TooManyConnectionsError
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


POOL_CLOSE_SECONDS = 5.0


async def close_pool(pool: asyncpg.Pool, seconds: float = POOL_CLOSE_SECONDS) -> None:
    """Close gracefully, or terminate: `Pool.close()` waits for every connection to be released, and a
    connection still held by a request in flight or an abandoned background task would hold a stop for
    as long as that takes."""
    closing = asyncio.ensure_future(pool.close())
    _, pending = await asyncio.wait({closing}, timeout=seconds)
    if pending:
        closing.cancel()
        pool.terminate()


async def wait_for_database(dsn: str, timeout: float = 60.0, *, create: bool = False) -> None:
    """Wait until the server answers; with `create` (development and tests), create the database."""

    async def answer() -> asyncpg.InvalidCatalogNameError | None:
        try:
            conn = await asyncpg.connect(dsn, timeout=3)
        except asyncpg.InvalidCatalogNameError as missing:
            if not create:
                return missing  # no database is not a transient: raised below, not tried again
            await _create_database(dsn)
            conn = await asyncpg.connect(dsn, timeout=3)
        await conn.close()
        return None

    missing = await retrying(answer, on=UNAVAILABLE_ERRORS + (asyncpg.exceptions.PostgresError,), timeout=timeout,
                             delay=1.0, what="database not reachable yet")
    if missing is not None:
        raise missing


async def _create_database(dsn: str) -> None:
    address, _, options = dsn.partition("?")
    server, _, name = address.rpartition("/")
    conn = await asyncpg.connect(f"{server}/postgres" + (f"?{options}" if options else ""), timeout=3)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    except asyncpg.DuplicateDatabaseError:
        pass  # another service or test created it first
    finally:
        await conn.close()


class MigrationChanged(RuntimeError):
    """A migration file differs from the one this database applied: start-up stops, nothing is applied."""


# Migrations renamed after databases had applied them (issue 14 closed the duplicate and the gap in the
# gateway's numbering): a database that recorded the old name records the new one and does not run it again.
RENAMED = {
    "gateway/0002_youth_daily.sql": "gateway/0003_youth_daily.sql",
    "gateway/0003_stations.sql": "gateway/0004_stations.sql",
    "gateway/0004_stations_by_day.sql": "gateway/0005_stations_by_day.sql",
    "gateway/0010_appeals_recent.sql": "gateway/0006_appeals_recent.sql",
}


def migration_files(*directories: Path, chassis: bool = True) -> list[tuple[str, Path]]:
    """The chassis' (unless `chassis` is False: a database without events, such as the key store) and
    then the given directories' SQL files in the order applied, each with its recorded name
    (`<owner>/<file>`, e.g. `gateway/0001_youth.sql`)."""
    return [(f"{directory.parent.name}/{path.name}", path)
            for directory in ((CHASSIS_MIGRATIONS,) if chassis else ()) + directories
            for path in sorted(directory.glob("*.sql"))]


async def migrate(pool: asyncpg.Pool, *directories: Path, chassis: bool = True) -> list[str]:
    """Apply the chassis' and then the service's SQL files once each, in name order, recording each
    file's sha256. A file changed after it was applied raises `MigrationChanged` and nothing is applied;
    rows recorded before checksums existed adopt the file's checksum as it is now."""
    applied: list[str] = []
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("SELECT pg_advisory_xact_lock(hashtext('xq:migrations'))")
        await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, "
                           "applied_at timestamptz NOT NULL DEFAULT now(), checksum text)")
        await conn.execute("ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum text")
        await conn.execute("UPDATE schema_migrations SET name = renamed.new "
                           "FROM unnest($1::text[], $2::text[]) AS renamed(old, new) WHERE name = renamed.old",
                           list(RENAMED), list(RENAMED.values()))
        recorded = {r["name"]: r["checksum"] for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")}
        for name, path in migration_files(*directories, chassis=chassis):
            checksum = hashlib.sha256(path.read_bytes()).hexdigest()
            if name not in recorded:
                await conn.execute(path.read_text())
                await conn.execute("INSERT INTO schema_migrations (name, checksum) VALUES ($1, $2)", name, checksum)
                applied.append(name)
            elif recorded[name] is None:
                await conn.execute("UPDATE schema_migrations SET checksum = $2 WHERE name = $1", name, checksum)
            elif recorded[name] != checksum:
                raise MigrationChanged(f"Migration {path.parent.parent.name}/{path.parent.name}/{path.name} was "
                                       "changed after this database applied it: restore the file and put the "
                                       "change in a new migration.")
    return applied


@asynccontextmanager
async def unavailable_as_503(pool: asyncpg.Pool) -> AsyncIterator[PoolConnectionProxy]:
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
