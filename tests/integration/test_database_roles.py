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


async def test_a_database_from_before_roles_is_handed_to_the_services_role(settings, tmp_path):
    """An existing data directory: the registry's database as the admin migrated it before roles existed
    becomes the registry role's own without a reset, and the new migration closes the audit trail."""
    settings = settings.model_copy(update={"namespace": f"{settings.namespace}_old"})  # a database of its own
    before = tmp_path / "registry" / "migrations"
    before.mkdir(parents=True)
    for path in sorted(REGISTRY_MIGRATIONS.glob("*.sql")):
        if path.name >= "0006":  # the migrations from before roles (later ones come after it)
            break
        (before / path.name).write_text(path.read_text())
    admin_dsn = settings.database_url(settings.database("registry"))
    await db.wait_for_database(admin_dsn, create=True)
    admin = await db.create_pool(admin_dsn, max_size=1)
    try:
        await db.migrate(admin, before)
    finally:
        await admin.close()
    await roles.provision(settings, "registry")
    pool = await db.create_pool(roles.service_dsn(settings, "registry"), max_size=1)
    try:
        assert (await db.migrate(pool, REGISTRY_MIGRATIONS))[0] == "registry/0006_audit_append_only.sql"
        async with pool.acquire() as conn:
            await conn.execute("INSERT INTO audit (actor, roles, action) VALUES ('op', '{admin}', 'READ')")
            await conn.execute("ALTER TABLE youth_index ADD COLUMN IF NOT EXISTS probe text")  # its own now
            with pytest.raises(asyncpg.InsufficientPrivilegeError):
                await conn.execute("DELETE FROM audit")
    finally:
        await pool.close()
