"""A PostgreSQL role per service: each service logs in as the owner of its own database, and only that one.

The admin role (XQ_PG_USER) creates roles and databases and nothing else: the launcher and, outside
production, a service's own start-up call `provision`; in production the roles come from deploy/.
A compromised service then reaches no other service's data: CONNECT is revoked from PUBLIC.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path

import asyncpg

from .settings import Settings

# Relations a migration may have created as the admin (a data directory from before roles existed):
# tables, views, materialized views, foreign and partitioned tables. Sequences follow their table.
_OWNED_RELATIONS = ("r", "v", "m", "f", "p")


def role(settings: Settings, service: str) -> str:
    """The service's login role: named as its database, so test namespaces get roles of their own."""
    return settings.database(service)


def _dev_password_file(settings: Settings, service: str) -> Path:
    return settings.keys_dir / f"pg-{role(settings, service)}.password"


def ensure_dev_password(settings: Settings, service: str) -> str:
    """The development password of a service's role, generated once into the keys directory.

    Written beside and linked into place: two processes starting together read the same password."""
    path = _dev_password_file(settings, service)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f"{path.name}.{os.getpid()}")
        with os.fdopen(os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w") as out:
            out.write(base64.urlsafe_b64encode(os.urandom(24)).decode())
        try:
            os.link(draft, path)
        except FileExistsError:
            pass  # another process was first: its password is the one
        finally:
            draft.unlink()
    return path.read_text().strip()


def _configured(settings: Settings, service: str) -> str | None:
    """The password a secret of deploy/ gives: a key store's role (`<service>_keys`, chassis/keystore.py)
    has one of its own, XQ_PG_KEYS_PASSWORD."""
    return settings.pg_keys_password if service.endswith("_keys") else settings.pg_service_password


def password(settings: Settings, service: str) -> str:
    """XQ_PG_SERVICE_PASSWORD or XQ_PG_KEYS_PASSWORD (secrets in deploy/), else the development file
    (never in production)."""
    if configured := _configured(settings, service):
        return configured
    path = _dev_password_file(settings, service)
    if settings.environment == "production" or not path.exists():
        setting = "XQ_PG_KEYS_PASSWORD" if service.endswith("_keys") else "XQ_PG_SERVICE_PASSWORD"
        raise RuntimeError(f"{setting} is not set (and no development password at {path})")
    return path.read_text().strip()


def service_dsn(settings: Settings, service: str) -> str:
    """Where the service connects: its own database, as its own role."""
    return settings.database_url(settings.database(service), user=role(settings, service),
                                 password=password(settings, service))


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


async def provision(settings: Settings, service: str) -> None:
    """Create (or bring up to date) the service's role and database, as the admin. Idempotent."""
    name, database = role(settings, service), settings.database(service)
    secret = _configured(settings, service) or ensure_dev_password(settings, service)
    conn = await asyncpg.connect(settings.database_url("postgres"), timeout=5)
    try:
        # One provisioning at a time: two processes altering the same role or database at once would
        # fail with "tuple concurrently updated". Released when the connection closes.
        await conn.execute("SELECT pg_advisory_lock(hashtext('xq:provision'))")
        exists = await conn.fetchval("SELECT true FROM pg_roles WHERE rolname = $1", name)
        # NOSUPERUSER NOCREATEDB NOCREATEROLE are the defaults; LOGIN with the password of settings
        await conn.execute(f'{"ALTER" if exists else "CREATE"} ROLE "{name}" LOGIN PASSWORD {_literal(secret)}')
        owner = await conn.fetchval("SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = $1", database)
        if owner is None:
            await conn.execute(f'CREATE DATABASE "{database}" OWNER "{name}"')
        elif owner != name:
            await conn.execute(f'ALTER DATABASE "{database}" OWNER TO "{name}"')
        await conn.execute(f'REVOKE CONNECT, TEMPORARY ON DATABASE "{database}" FROM PUBLIC')
        await _hand_over_objects(settings, database, name)
    finally:
        await conn.close()


async def _hand_over_objects(settings: Settings, database: str, owner: str) -> None:
    """Objects a migration created as the admin before roles existed become the service's own."""
    conn = await asyncpg.connect(settings.database_url(database), timeout=5)
    try:
        schemas = await conn.fetch(
            "SELECT quote_ident(nspname) AS name FROM pg_namespace n JOIN pg_roles r ON r.oid = n.nspowner "
            "WHERE r.rolname <> $1 AND nspname NOT LIKE 'pg\\_%' AND nspname NOT IN ('information_schema', 'public')",
            owner)
        relations = await conn.fetch(
            "SELECT c.oid::regclass::text AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "JOIN pg_roles r ON r.oid = c.relowner WHERE r.rolname <> $1 AND c.relkind::text = ANY($2::text[]) "
            "AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'", owner, list(_OWNED_RELATIONS))
        routines = await conn.fetch(
            "SELECT p.oid::regprocedure::text AS name FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace "
            "JOIN pg_roles r ON r.oid = p.proowner WHERE r.rolname <> $1 "
            "AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'", owner)
        types = await conn.fetch(
            "SELECT t.oid::regtype::text AS name FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace "
            "JOIN pg_roles r ON r.oid = t.typowner WHERE r.rolname <> $1 AND t.typtype IN ('e', 'd') "
            "AND nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'", owner)
        async with conn.transaction():
            for row in schemas:
                await conn.execute(f'ALTER SCHEMA {row["name"]} OWNER TO "{owner}"')
            for row in relations:
                await conn.execute(f'ALTER TABLE {row["name"]} OWNER TO "{owner}"')
            for row in routines:
                await conn.execute(f'ALTER ROUTINE {row["name"]} OWNER TO "{owner}"')
            for row in types:
                await conn.execute(f'ALTER TYPE {row["name"]} OWNER TO "{owner}"')
    finally:
        await conn.close()
