"""A PostgreSQL role per service (issue 15): each service owns its database and reaches no other; the
registry's audit trail is append-only for the registry's own role."""
from __future__ import annotations

from pathlib import Path

import asyncpg
import pytest

from chassis import db, roles

REGISTRY_MIGRATIONS = Path(__file__).parents[2] / "services" / "registry" / "migrations"


async def as_service(settings, service: str, database_of: str | None = None) -> asyncpg.Connection:
    """A connection as `service`'s role, to its own database or to `database_of`'s."""
    return await asyncpg.connect(settings.database_url(
        settings.database(database_of or service), user=roles.role(settings, service),
        password=roles.password(settings, service)), timeout=5)


@pytest.fixture
async def registry(settings):
    for service in ("registry", "gateway"):
        await roles.provision(settings, service)
    pool = await db.create_pool(roles.service_dsn(settings, "registry"), max_size=1)
    try:
        await db.migrate(pool, REGISTRY_MIGRATIONS)
    finally:
        await pool.close()


async def test_the_gateways_role_cannot_connect_to_the_registrys_database(settings, registry):
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        await as_service(settings, "gateway", database_of="registry")
    own = await as_service(settings, "gateway")
    await own.close()


async def test_the_registrys_role_cannot_change_or_delete_an_audit_row(settings, registry):
    conn = await as_service(settings, "registry")
    try:
        row = await conn.fetchval("INSERT INTO audit (actor, roles, action) VALUES ('op', '{registry_operator}', "
                                  "'READ') RETURNING id")
        assert await conn.fetchval("SELECT actor FROM audit WHERE id = $1", row) == "op"
        for statement in (f"UPDATE audit SET actor = 'someone else' WHERE id = {row}",
                          f"DELETE FROM audit WHERE id = {row}", "TRUNCATE audit"):
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute(statement)
        assert await conn.fetchval("SELECT actor FROM audit WHERE id = $1", row) == "op"
    finally:
        await conn.close()


async def test_a_database_from_before_roles_is_handed_to_the_services_role(settings):
    """An existing data directory: tables the admin created become the service's own, without a reset."""
    admin = await asyncpg.connect(settings.database_url("postgres"))
    await admin.execute(f'CREATE DATABASE "{settings.database("stations")}"')
    await admin.close()
    admin = await asyncpg.connect(settings.database_url(settings.database("stations")))
    await admin.execute("CREATE TABLE legacy (id int PRIMARY KEY)")
    await admin.close()
    await roles.provision(settings, "stations")
    conn = await as_service(settings, "stations")
    try:
        await conn.execute("INSERT INTO legacy VALUES (1)")
        await conn.execute("ALTER TABLE legacy ADD COLUMN note text")
    finally:
        await conn.close()
