"""Statements per command, counted by PostgreSQL itself (pg_stat_statements, every database of the
cluster): a machine-independent measure of a write path's database work, beside its CPU ms. BEGIN and
COMMIT count (utility statements are tracked), so the figure is the round trips a command costs."""
from __future__ import annotations

import asyncpg

from .gateway_queries import _enable_statement_stats as enable
from .stack import BenchStack

__all__ = ["enable", "reset", "per_database", "top"]


async def reset(stack: BenchStack) -> None:
    conn = await asyncpg.connect(stack.dsn("postgres"))
    try:
        await conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        await conn.execute("SELECT pg_stat_statements_reset()")
    finally:
        await conn.close()


async def _fetch(stack: BenchStack, sql: str, *args) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(stack.dsn("postgres"))
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def per_database(stack: BenchStack) -> dict[str, tuple[int, float]]:
    """{database: (statements, ms of execution + planning)} since the last reset (the counting itself left out)."""
    rows = await _fetch(stack, """
        SELECT d.datname, sum(s.calls)::bigint AS calls, sum(s.total_exec_time + s.total_plan_time) AS ms
          FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE s.query NOT ILIKE '%pg_stat_statements%' GROUP BY d.datname ORDER BY d.datname""")
    return {r["datname"]: (int(r["calls"]), float(r["ms"])) for r in rows}


async def top(stack: BenchStack, limit: int = 12) -> list[asyncpg.Record]:
    """The most called statements since the last reset: database, calls, ms, the text's start."""
    return await _fetch(stack, """
        SELECT d.datname, s.calls, s.total_exec_time + s.total_plan_time AS ms,
               left(regexp_replace(s.query, '\\s+', ' ', 'g'), 100) AS query
          FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
         WHERE s.query NOT ILIKE '%pg_stat_statements%' ORDER BY s.calls DESC, ms DESC LIMIT $1""", limit)
