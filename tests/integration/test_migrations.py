"""The migration runner on real PostgreSQL: checksums, a changed applied file stops start-up, and a
gateway database that applied the old file names continues under the new ones without running them again."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from chassis import db
from chassis.service import build_service_app
from tests.support import running

GATEWAY_MIGRATIONS = Path(__file__).parents[2] / "gateway" / "migrations"


async def fresh_pool(settings, name: str):
    dsn = settings.database_url(settings.database(name))
    await db.wait_for_database(dsn, create=True)
    return await db.create_pool(dsn, max_size=2)


async def recorded(pool) -> dict[str, str | None]:
    async with pool.acquire() as conn:
        return {r["name"]: r["checksum"] for r in await conn.fetch("SELECT name, checksum FROM schema_migrations")}


async def apply_as_before_checksums(pool, files: list[tuple[str, Path]]) -> None:
    """What the runner did before checksums: a table without them, each file run and its name recorded."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("CREATE TABLE schema_migrations (name text PRIMARY KEY, "
                           "applied_at timestamptz NOT NULL DEFAULT now())")
        for name, path in files:
            await conn.execute(path.read_text())
            await conn.execute("INSERT INTO schema_migrations (name) VALUES ($1)", name)


def service_migrations(tmp_path: Path, sql: str) -> Path:
    directory = tmp_path / "sample" / "migrations"
    directory.mkdir(parents=True)
    (directory / "0001_notes.sql").write_text(sql)
    return directory


async def test_a_gateway_database_from_before_the_renumbering_continues_without_running_anything_again(
        settings, tmp_path):
    old_names = {new: old for old, new in db.RENAMED.items()}
    old_directory = tmp_path / "gateway" / "migrations"
    old_directory.mkdir(parents=True)
    for path in sorted(GATEWAY_MIGRATIONS.glob("*.sql")):
        old_file = old_names.get(f"gateway/{path.name}", f"gateway/{path.name}").removeprefix("gateway/")
        shutil.copy(path, old_directory / old_file)
    assert "0010_appeals_recent.sql" in {p.name for p in old_directory.iterdir()}  # its name before issue 14
    pool = await fresh_pool(settings, "gateway_old")
    try:
        await apply_as_before_checksums(pool, db.migration_files(old_directory))
        async with pool.acquire() as conn:
            await conn.execute("INSERT INTO youth_daily (district, youth_type, registered_on, count) "
                               "VALUES ('330102', 'student', '2026-01-01', 3)")

        assert await db.migrate(pool, GATEWAY_MIGRATIONS) == []

        rows = await recorded(pool)
        assert set(rows) == {name for name, _ in db.migration_files(GATEWAY_MIGRATIONS)}
        assert all(rows.values()), "every applied migration adopted its checksum"
        async with pool.acquire() as conn:
            assert await conn.fetchval("SELECT count FROM youth_daily") == 3
        assert await db.migrate(pool, GATEWAY_MIGRATIONS) == []
    finally:
        await pool.close()


async def test_a_database_from_before_checksums_adopts_them_and_then_guards_the_files(settings, tmp_path):
    directory = service_migrations(tmp_path, "CREATE TABLE notes (id int PRIMARY KEY);\n")
    pool = await fresh_pool(settings, "adopt")
    try:
        await apply_as_before_checksums(pool, db.migration_files(directory))
        assert await db.migrate(pool, directory) == []
        assert all((await recorded(pool)).values())

        (directory / "0001_notes.sql").write_text("CREATE TABLE notes (id int PRIMARY KEY, body text);\n")
        with pytest.raises(db.MigrationChanged, match="sample/migrations/0001_notes.sql"):
            await db.migrate(pool, directory)
    finally:
        await pool.close()


async def test_an_edited_applied_migration_stops_start_up_with_one_sentence_naming_the_file(settings, tmp_path):
    directory = service_migrations(tmp_path, "CREATE TABLE notes (id int PRIMARY KEY);\n")
    (directory / "0002_more.sql").write_text("CREATE TABLE more_notes (id int PRIMARY KEY);\n")

    def app():
        return build_service_app(name="sample", title="sample", settings=settings, migrations=directory, topics=[],
                                 deps=None, publishes=False)

    async with running(app()):
        pass
    (directory / "0001_notes.sql").write_text("CREATE TABLE notes (id bigint PRIMARY KEY);\n")
    (directory / "0003_new.sql").write_text("CREATE TABLE new_notes (id int PRIMARY KEY);\n")

    with pytest.raises(db.MigrationChanged) as stopped:
        async with running(app()):
            pass

    message = str(stopped.value)
    assert "sample/migrations/0001_notes.sql" in message
    assert message.count(". ") == 0 and message.endswith("."), "one sentence"
    pool = await fresh_pool(settings, "sample")
    try:
        assert "sample/0003_new.sql" not in await recorded(pool), "nothing is applied when a file changed"
    finally:
        await pool.close()
