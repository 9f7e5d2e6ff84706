"""The person-key store: the per-person data keys in a database of their own, apart from the events.

A service that seals personal data (the registry; the stations, for case summaries) keeps its keys in
`<namespace>_<service>_keys`, owned by a role of its own (chassis/roles.py), with its own migrations
(chassis/person_keys/migrations) and its own backup retention (docs/RUNBOOK.md). A copy of the events'
database, even with the master key, then opens nothing: the keys are not in it, and an erased person's
key is gone from the key store.

Two databases, no distributed transaction, so the order is what keeps it safe:
- a key is written (committed) before the events sealed with it commit: a rollback leaves an orphan
  key that unlocks nothing;
- a key is deleted (shredded) before the erasure's events commit: a rollback leaves a person whose data
  is unreadable but not yet marked erased, and the erasure is simply run again.
"""
from __future__ import annotations

from pathlib import Path

import asyncpg

from . import db, roles
from .settings import Settings

MIGRATIONS = Path(__file__).parent / "person_keys" / "migrations"
SEALING_SERVICES = ("registry", "stations")  # the services whose events carry sealed personal data


def store_of(service: str) -> str:
    """The key store's name as a service: its database and role are settings.database(<this>)."""
    return f"{service}_keys"


class KeyStore:
    """The wrapped keys of one service. The pool is opened at start-up (`open`); until then none."""

    def __init__(self, service: str):
        self.service = service
        self.pool: asyncpg.Pool | None = None

    @property
    def name(self) -> str:
        return store_of(self.service)

    async def open(self, settings: Settings, *, provisions: bool) -> None:
        if provisions:
            await roles.provision(settings, self.name)
        dsn = roles.service_dsn(settings, self.name)
        await db.wait_for_database(dsn)
        self.pool = await db.create_pool(dsn, max_size=max(2, settings.pg_pool_max // 2),
                                         command_timeout=settings.pg_command_timeout)
        await db.migrate(self.pool, MIGRATIONS, chassis=False)

    async def close(self) -> None:
        if self.pool is not None:
            await self.pool.close()
            self.pool = None

    def _pool(self) -> asyncpg.Pool:
        if self.pool is None:
            raise RuntimeError(f"the key store of {self.service} is not open")
        return self.pool

    async def adopt_legacy(self, events: asyncpg.Pool) -> int:
        """Move keys kept in the events' database (before the key store existed) here, then drop them
        there. Copied first, dropped after: an interruption copies again (the same rows)."""
        async with events.acquire() as conn:
            if await conn.fetchval("SELECT to_regclass('person_keys') IS NULL"):
                return 0
            rows = await conn.fetch("SELECT subject, key_id, wrapped FROM person_keys")
            if rows:
                async with self._pool().acquire() as keys:
                    await keys.execute(
                        "INSERT INTO person_keys (subject, key_id, wrapped) "
                        "SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[]) ON CONFLICT (subject) DO NOTHING",
                        [r["subject"] for r in rows], [r["key_id"] for r in rows], [r["wrapped"] for r in rows])
            await conn.execute("DROP TABLE person_keys")
            return len(rows)

    async def wrapped(self, subjects: list[str]) -> dict[str, tuple[str, bytes]]:
        """`{subject: (master key id, wrapped key)}` of those that have a key (one round trip)."""
        rows = await self._pool().fetch("SELECT subject, key_id, wrapped FROM person_keys "
                                        "WHERE subject = ANY($1::text[])", subjects)
        return {r["subject"]: (r["key_id"], r["wrapped"]) for r in rows}

    async def add(self, subject: str, key_id: str, wrapped: bytes) -> bool:
        """Keep a key unless the subject has one (a concurrent first seal): False then."""
        return bool(await self._pool().fetchval(
            "INSERT INTO person_keys (subject, key_id, wrapped) VALUES ($1, $2, $3) "
            "ON CONFLICT (subject) DO NOTHING RETURNING true", subject, key_id, wrapped))

    async def put_new(self, rows: list[tuple[str, str, bytes]]) -> None:
        """The keys of people whose first events are being appended (one statement). A key already
        there can only be an orphan of a registration that rolled back (the caller's append of the
        stream's first version succeeded, so no committed event is sealed with it): replaced."""
        await self._pool().execute(
            "INSERT INTO person_keys (subject, key_id, wrapped) "
            "SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[]) ON CONFLICT (subject) DO UPDATE "
            "SET key_id = excluded.key_id, wrapped = excluded.wrapped, created_at = now()",
            [r[0] for r in rows], [r[1] for r in rows], [r[2] for r in rows])

    async def shred(self, subjects: list[str]) -> int:
        """Delete the keys (crypto-shredding): every sealed copy of their data, anywhere, is unreadable."""
        return len(await self._pool().fetch("DELETE FROM person_keys WHERE subject = ANY($1::text[]) "
                                            "RETURNING subject", subjects))

    async def count_not_under(self, key_id: str) -> int:
        return int(await self._pool().fetchval("SELECT count(*) FROM person_keys WHERE key_id <> $1", key_id))

    def acquire(self) -> asyncpg.pool.PoolAcquireContext:
        return self._pool().acquire()
