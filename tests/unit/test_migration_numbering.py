"""Every migrations folder in the tree is numbered 0001..000N: no duplicate, no gap, one order."""
from __future__ import annotations

import re
from pathlib import Path

from chassis import db

ROOT = Path(__file__).parents[2]
SKIPPED = {".git", ".venv", "node_modules"}
NAMED = re.compile(r"(\d{4})_[a-z0-9_]+\.sql")


def migration_folders() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*migrations") if p.is_dir() and not SKIPPED & set(p.relative_to(ROOT).parts))


def test_the_tree_has_the_known_migration_folders():
    found = {str(p.relative_to(ROOT)) for p in migration_folders()}
    assert {"chassis/migrations", "gateway/migrations", "services/registry/migrations"} <= found


def test_every_migrations_folder_is_numbered_without_duplicates_or_gaps():
    for folder in migration_folders():
        names = sorted(p.name for p in folder.iterdir() if p.suffix == ".sql")
        assert names, f"{folder.relative_to(ROOT)} has no migration"
        unnamed = [n for n in names if not NAMED.fullmatch(n)]
        assert not unnamed, f"{folder.relative_to(ROOT)}: not named NNNN_words.sql: {unnamed}"
        numbers = [int(NAMED.fullmatch(n).group(1)) for n in names]
        assert numbers == list(range(1, len(names) + 1)), f"{folder.relative_to(ROOT)}: {names}"


def test_renamed_migrations_point_from_a_gone_file_to_one_that_exists():
    for old, new in db.RENAMED.items():
        old_owner, old_file = old.split("/")
        new_owner, new_file = new.split("/")
        assert old_owner == new_owner == "gateway"
        assert not (ROOT / old_owner / "migrations" / old_file).exists(), old
        assert (ROOT / new_owner / "migrations" / new_file).exists(), new
