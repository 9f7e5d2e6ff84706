"""The one statement shape of a dashboard counter table: add to a key's counters, creating the row at the
first count (INSERT … ON CONFLICT (key) DO UPDATE SET c = table.c + $n). Built once per table from constant
names (never from event data), so a projection states only its table, key and counters."""
from __future__ import annotations

from collections.abc import Mapping, Sequence


def counter_upsert(table: str, key: Sequence[str], counters: Sequence[str], *,
                   casts: Mapping[str, str] | None = None) -> str:
    """The statement, executed with the key values then the counter deltas; `casts` names a key column's
    SQL type where the event carries it as text (e.g. {"day": "date"})."""
    casts = casts or {}
    columns = [*key, *counters]
    values = ", ".join(f"${i}::text::{casts[c]}" if c in casts else f"${i}" for i, c in enumerate(columns, 1))
    moves = ", ".join(f"{c} = {table}.{c} + ${i}" for i, c in enumerate(columns, 1) if c in counters)
    return (f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({values}) "
            f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {moves}")
