"""How much of the registry one caller may read (issue 15, docs/SECURITY.md): lookups by mobile or ID number
are rate-limited per caller, and listing many people is audited as a bulk read and counted.

Both are counted from the audit trail itself, not from memory: it is shared by every registry replica,
survives a restart, and is already written in the same transaction as the read. Every lookup leaves at
least one LOOKUP row (one without a person when nothing was found), so "lookups in the last minute" is the
number of distinct instants of the caller's LOOKUP rows (all rows of one read share the transaction's
`now()`). A per-caller advisory lock makes concurrent lookups of one caller count one after the other.

A young person's own account is limited where a refusal tells something (a registration refused as a
duplicate, a claim code refused). Those refusals roll their transaction back, audit and all, so they are
counted in a table of their own (`self_refusals`), committed apart.
"""
from __future__ import annotations

import asyncpg

from chassis.auth import Principal
from chassis.errors import RateLimited
from chassis.metrics import meter

LISTING_ACTIONS = ["SEARCH", "LOOKUP", "BULK_READ"]  # audit actions that put people on a caller's screen

BULK_READS = meter.create_counter(
    "xq.registry.bulk_reads", unit="{read}",
    description="registry searches that took a caller over its hourly allowance of people listed (audited "
                "as BULK_READ), per role")


async def admit_lookup(conn: asyncpg.Connection, who: Principal, per_minute: int) -> None:
    """Raises RateLimited (429 with Retry-After) when the caller made `per_minute` lookups in the last minute."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtextextended('lookup:' || $1, 0))", who.subject)
    made, wait = await conn.fetchrow(
        """SELECT count(DISTINCT at), ceil(extract(epoch FROM min(at) + interval '1 minute' - now()))::int
             FROM audit WHERE actor = $1 AND action = 'LOOKUP' AND at > now() - interval '1 minute'""",
        who.subject)
    if made >= per_minute:
        retry_after = max(1, wait or 1)
        raise RateLimited(f"按手机号或身份证号查找过于频繁（每分钟最多 {per_minute} 次），请 {retry_after} 秒后重试。",
                          retry_after=retry_after)


async def listing_action(conn: asyncpg.Connection, who: Principal, action: str, people: int, per_hour: int) -> str:
    """`action`, or BULK_READ when these `people` take the caller over `per_hour` people listed in the last
    hour (the search is then counted in xq.registry.bulk_reads, which an alert watches)."""
    if not people:
        return action
    listed = await conn.fetchval(
        """SELECT count(*) FROM audit
            WHERE actor = $1 AND action = ANY($2::text[]) AND youth_id IS NOT NULL AND at > now() - interval '1 hour'""",
        who.subject, LISTING_ACTIONS)
    if listed + people <= per_hour:
        return action
    BULK_READS.add(1, {"role": ",".join(sorted(who.roles))})
    return "BULK_READ"


# Refusals that tell the refused something (`admit_self_refusals`): their kinds.
DUPLICATE_REGISTRATION = "REGISTER_DUPLICATE"  # that mobile or ID number is registered
INVALID_CLAIM_CODE = "CLAIM_INVALID"  # that code is not a live one


async def admit_self_refusals(pool: asyncpg.Pool, account: bytes, kind: str, per_hour: int) -> None:
    """Raises RateLimited (429 with Retry-After) once an account (`account`: its keyed hash) was refused `per_hour`
    times of `kind` in the last hour. A registration refused as a duplicate tells whether someone's mobile or ID
    number is registered, and a refused claim code which codes are not live: unlimited, either is an oracle."""
    made, wait = await pool.fetchrow(
        """SELECT count(*), ceil(extract(epoch FROM min(at) + interval '1 hour' - now()))::int
             FROM self_refusals WHERE account_digest = $1 AND kind = $2 AND at > now() - interval '1 hour'""",
        account, kind)
    if made >= per_hour:
        retry_after = max(1, wait or 1)
        raise RateLimited(f"尝试过于频繁（每小时最多 {per_hour} 次未成功），请 {retry_after} 秒后重试。",
                          retry_after=retry_after)


async def count_self_refusal(pool: asyncpg.Pool, account: bytes, kind: str) -> None:
    """One refusal of `kind`, committed on its own: the request's own transaction is rolled back with it."""
    async with pool.acquire() as conn, conn.transaction():
        await conn.execute("DELETE FROM self_refusals WHERE account_digest = $1 AND at < now() - interval '1 hour'",
                           account)
        await conn.execute("INSERT INTO self_refusals (account_digest, kind) VALUES ($1, $2)", account, kind)
