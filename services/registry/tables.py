"""The registry's own query tables and audit trail: the SQL that commands write in their transaction and
the API reads, so operators always read their own writes.

- `youth_index`: one row per registered person for operators' search. Personal values appear only sealed
  (`card`, with the person's key) or as blind-index digests; the employer is searchable through a digest of
  its normalised name (docs/REGISTRY.md).
- `youth_identifiers`: the blind index of mobiles and ID numbers (duplicates, exact lookup).
- `youth_merges`: which record went into which, so erasure reaches every record of a person.
- `youth_accounts`, `claim_codes`: a person's own sign-in account (a digest) → their record, and the
  one-time codes with which a person claims a record staff created (a digest).
- `audit`: who read or changed whose personal data (field names, never values).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import asyncpg
import orjson
from opentelemetry import trace

from chassis.auth import Principal
from chassis.errors import RuleViolated
from chassis.eventstore import Companion, write_companions
from chassis.vault import CARD, KeyRing, Vault
from contracts.registry import Status

from .domain.state import YouthState, league_age_until, stream_id
from .identity import AGE_BANDS, normalize_employer, normalize_id_number, normalize_mobile

CARD_FIELDS = ("name", "gender", "mobile", "id_number")


# ---- youth_index -------------------------------------------------------------------------------

async def save_index(conn: asyncpg.Connection, keys: KeyRing, states: list[YouthState]) -> None:
    """Write the rows for `states` (`index_writes`) in one statement: a bulk import's many, or one state."""
    await write_companions(conn, await index_writes(conn, keys, states))


async def index_writes(conn: asyncpg.Connection, keys: KeyRing, states: list[YouthState]) -> list[Companion]:
    """The writes that bring the rows of `states` up to date, one statement each for deletes and upserts
    (a person merged away or erased loses the row). The one row writer of the registry: a command's
    writes ride in its append (commands.py), a bulk import's run in one statement."""
    writes = []
    gone = [s.youth_id for s in states if s.status in (Status.MERGED, Status.ERASED)]
    if gone:
        writes.append(Companion("DELETE FROM youth_index WHERE youth_id = ANY($1::text[])", (gone,)))
    rows = [await _index_row(conn, keys, s) for s in states if s.status not in (Status.MERGED, Status.ERASED)]
    if rows:
        writes.append(Companion(SAVE_INDEX_SQL, tuple(map(list, zip(*rows)))))
    return writes


SAVE_INDEX_SQL = """
    INSERT INTO youth_index (youth_id, district, youth_type, subtype, employer_kind, employer_digest,
                             birth_year, registered_on, status, card, league_age_until, league_age_ended)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bytea[],
                         $7::int[], $8::date[], $9::text[], $10::bytea[], $11::date[], $12::bool[])
    ON CONFLICT (youth_id) DO UPDATE SET district = EXCLUDED.district, youth_type = EXCLUDED.youth_type,
        subtype = EXCLUDED.subtype, employer_kind = EXCLUDED.employer_kind,
        employer_digest = EXCLUDED.employer_digest, birth_year = EXCLUDED.birth_year,
        status = EXCLUDED.status, card = EXCLUDED.card, league_age_until = EXCLUDED.league_age_until,
        league_age_ended = EXCLUDED.league_age_ended, updated_at = now()"""


async def _index_row(conn: asyncpg.Connection, keys: KeyRing, state: YouthState) -> tuple:
    card = {k: state.profile.get(k) for k in CARD_FIELDS if state.profile.get(k) is not None}
    sealed = await keys.seal(conn, stream_id(state.youth_id), orjson.dumps(card), CARD) if card else None
    birth = state.profile.get("birth_date")
    return (state.youth_id, state.district, state.youth_type, state.subtype, state.employer_kind,
            employer_digest(keys.vault, state.profile.get("employer")), birth.year if birth else None,
            state.registered_on, state.status, sealed, league_age_until(state), state.league_age_ended)


def employer_digest(vault: Vault, employer: str | None) -> bytes | None:
    return vault.blind_index("employer", normalize_employer(employer)) if employer else None


async def district_of(conn: asyncpg.Connection, youth_id: str) -> str | None:
    return await conn.fetchval("SELECT district FROM youth_index WHERE youth_id = $1", youth_id)


async def districts_of(conn: asyncpg.Connection, youth_ids: list[str]) -> dict[str, str]:
    rows = await conn.fetch("SELECT youth_id, district FROM youth_index WHERE youth_id = ANY($1::text[])", youth_ids)
    return {r["youth_id"]: r["district"] for r in rows}


async def league_age_over(conn: asyncpg.Connection, before: date, limit: int) -> list[str]:
    """Active people whose league age ended before `before` and is not recorded yet, oldest first."""
    return [r["youth_id"] for r in await conn.fetch(
        """SELECT youth_id FROM youth_index WHERE status = 'ACTIVE' AND NOT league_age_ended
             AND league_age_until < $1 ORDER BY league_age_until, youth_id LIMIT $2""", before, limit)]


@dataclass(frozen=True)
class SearchFilter:
    district: str | None = None
    youth_type: str | None = None
    subtype: str | None = None
    employer_digest: bytes | None = None
    age_band: str | None = None
    registered_from: date | None = None
    registered_to: date | None = None
    status: str | None = None
    youth_ids: list[str] | None = None  # from an exact lookup (blind index)


def birth_years(age_band: str, today: date) -> tuple[int, int]:
    """Age band by the age reached in the current calendar year (the index keeps only the birth year)."""
    low, high = next((lo, hi) for lo, hi in AGE_BANDS if f"{lo}-{hi}" == age_band)
    return today.year - high, today.year - low


async def search(conn: asyncpg.Connection, f: SearchFilter, *, today: date, after: list | None,
                 limit: int) -> list[asyncpg.Record]:
    """Keyset pagination on (registered_on, youth_id); returns up to `limit` rows. Only the conditions given
    enter the SQL, so each query shape gets its own plan and index (2 M rows: no catch-all OR-NULL plan)."""
    where, args = [], []

    def cond(sql: str, *values) -> None:
        for value in values:
            args.append(value)
            sql = sql.replace("?", f"${len(args)}", 1)
        where.append(sql)

    for column, value in (("district", f.district), ("youth_type", f.youth_type), ("subtype", f.subtype),
                          ("employer_digest", f.employer_digest), ("status", f.status)):
        if value is not None:
            cond(f"{column} = ?", value)
    if f.age_band:
        cond("birth_year BETWEEN ? AND ?", *birth_years(f.age_band, today))
    if f.registered_from:
        cond("registered_on >= ?", f.registered_from)
    if f.registered_to:
        cond("registered_on <= ?", f.registered_to)
    if f.youth_ids is not None:
        cond("youth_id = ANY(?::text[])", f.youth_ids)
    if after:
        cond("(registered_on, youth_id) > (?::date, ?::text)", date.fromisoformat(after[0]), after[1])
    args.append(limit)
    sql = ("SELECT youth_id, district, youth_type, subtype, employer_kind, registered_on, status, card "
           f"FROM youth_index {'WHERE ' + ' AND '.join(where) if where else ''} "
           f"ORDER BY registered_on, youth_id LIMIT ${len(args)}")
    return await conn.fetch(sql, *args)


# ---- youth_identifiers (blind index) -----------------------------------------------------------

IDENTIFIER_KEY = "youth_identifiers_pkey"


def claim_identifiers(vault: Vault, claims: list[tuple[str, str]], youth_id: str, *, strict: bool = False) -> Companion:
    """Claim `[(kind, value), …]` for `youth_id` (a companion of the command's append); its rows are the
    claimed kinds with their owner: one that is not `youth_id` belongs to someone else (`taken`).
    `strict`: one held already fails the statement instead (IDENTIFIER_KEY; an append of its own)."""
    return Companion(
        "INSERT INTO youth_identifiers (kind, digest, youth_id) SELECT k, d, $3 FROM unnest($1::text[], $2::bytea[]) "
        f"AS c(k, d) {'' if strict else SKIP_HELD} RETURNING kind, youth_id",
        ([kind for kind, _ in claims], [vault.blind_index(kind, value) for kind, value in claims], youth_id),
        returns=True)


SKIP_HELD = "ON CONFLICT (kind, digest) DO UPDATE SET kind = youth_identifiers.kind"  # (returned with its owner)


def taken(claim: Companion, youth_id: str) -> dict[str, str]:
    """Of a done `claim_identifiers`, the kinds held by someone else (kind → their id)."""
    return {r["kind"]: r["youth_id"] for r in claim.rows if r["youth_id"] != youth_id}


def release_identifiers(vault: Vault, releases: list[tuple[str, str]], youth_id: str) -> Companion:
    """Give up `[(kind, value), …]` of `youth_id` (a companion of the command's append)."""
    return Companion("DELETE FROM youth_identifiers i USING unnest($1::text[], $2::bytea[]) AS r(k, d) "
                     "WHERE i.kind = r.k AND i.digest = r.d AND i.youth_id = $3",
                     ([kind for kind, _ in releases], [vault.blind_index(kind, v) for kind, v in releases], youth_id))


def release_all_identifiers(youth_id: str) -> Companion:
    return Companion("DELETE FROM youth_identifiers WHERE youth_id = $1", (youth_id,))


def move_identifiers(youth_id: str, to_youth_id: str) -> Companion:
    return Companion("UPDATE youth_identifiers SET youth_id = $2 WHERE youth_id = $1", (youth_id, to_youth_id))


async def identifier_owners(conn: asyncpg.Connection, pairs: list[tuple[str, bytes]]) -> dict[bytes, str]:
    """digest → youth id for the `(kind, digest)` pairs already in the index, with one statement."""
    return {bytes(r["digest"]): r["youth_id"] for r in await conn.fetch(  # (kind, digest): the primary key
        "SELECT i.digest, i.youth_id FROM youth_identifiers i "
        "JOIN unnest($1::text[], $2::bytea[]) AS w(kind, digest) USING (kind, digest)",
        [k for k, _ in pairs], [d for _, d in pairs])}


async def add_identifiers(conn: asyncpg.Connection, rows: list[tuple[str, bytes, str]]) -> None:
    """Insert `(kind, digest, youth_id)` rows with one statement (a taken identifier violates the key)."""
    await conn.execute("INSERT INTO youth_identifiers (kind, digest, youth_id) "
                       "SELECT * FROM unnest($1::text[], $2::bytea[], $3::text[])", *map(list, zip(*rows)))


async def lookup(conn: asyncpg.Connection, vault: Vault, *, mobile: str | None = None,
                 id_number: str | None = None) -> list[str]:
    """Exact lookup through the blind index; never decrypts anyone."""
    digests = []
    if mobile:
        e164 = normalize_mobile(mobile)
        digests.append(("mobile", vault.blind_index("mobile", e164) if e164 else b""))
    if id_number:
        digests.append(("id_number", vault.blind_index("id_number", normalize_id_number(id_number))))
    ids: set[str] | None = None
    for kind, digest in digests:
        found = {r["youth_id"] for r in await conn.fetch(
            "SELECT youth_id FROM youth_identifiers WHERE kind = $1 AND digest = $2", kind, digest)}
        ids = found if ids is None else ids & found
    return sorted(ids or ())


# ---- youth_merges ------------------------------------------------------------------------------

def save_merge(before: YouthState, after: YouthState) -> list[Companion]:
    """Remember which record went into which, for erasure (`survivor_of`, `merged_group`)."""
    if after.status == Status.MERGED and before.status != Status.MERGED:
        return [Companion("INSERT INTO youth_merges (youth_id, into_youth_id) VALUES ($1, $2) "
                          "ON CONFLICT (youth_id) DO NOTHING", (after.youth_id, after.merged_into))]
    return []


async def survivor_of(conn: asyncpg.Connection, youth_id: str) -> str:
    """The record `youth_id` was merged into, following merge after merge; `youth_id` itself if none."""
    return await conn.fetchval(
        """WITH RECURSIVE up(youth_id, depth) AS (
               SELECT $1::text, 0
               UNION SELECT m.into_youth_id, up.depth + 1 FROM youth_merges m JOIN up USING (youth_id))
           SELECT youth_id FROM up ORDER BY depth DESC LIMIT 1""", youth_id)


async def merged_group(conn: asyncpg.Connection, survivor: str) -> list[str]:
    """The survivor and every record merged into it, directly or through a record merged earlier."""
    rows = await conn.fetch(
        """WITH RECURSIVE down(youth_id) AS (
               SELECT $1::text
               UNION SELECT m.youth_id FROM youth_merges m JOIN down ON m.into_youth_id = down.youth_id)
           SELECT youth_id FROM down ORDER BY youth_id""", survivor)
    return [r["youth_id"] for r in rows]


async def lock_survivor(conn: asyncpg.Connection, survivor: str) -> None:
    """Held by a merge into `survivor` and by the erasure of its person until the transaction ends: a merge
    that commits during an erasure would leave its record out of it."""
    await conn.execute("SELECT pg_advisory_xact_lock(hashtext('registry.survivor:' || $1))", survivor)


async def first_registered(conn: asyncpg.Connection, youth_ids: list[str]) -> str | None:
    """Of `youth_ids`, the one registered first (by its first event's position in the store)."""
    first = await conn.fetchval("SELECT stream_id FROM events WHERE stream_id = ANY($1::text[]) AND version = 1 "
                                "ORDER BY global_position LIMIT 1", [stream_id(y) for y in youth_ids])
    return next((y for y in youth_ids if stream_id(y) == first), None)


async def recorded_at(conn: asyncpg.Connection, subject: str) -> list[asyncpg.Record]:
    """Version and time of every event of the stream `subject`, in order (for the export's history)."""
    return await conn.fetch("SELECT version, recorded_at FROM events WHERE stream_id = $1 ORDER BY version", subject)


# ---- youth_accounts, claim_codes ---------------------------------------------------------------

async def linked_youth(conn: asyncpg.Connection, account_digest: bytes) -> str | None:
    return await conn.fetchval("SELECT youth_id FROM youth_accounts WHERE account_digest = $1", account_digest)


async def link_account(conn: asyncpg.Connection, account_digest: bytes, youth_id: str) -> None:
    """Link, or refuse when the account or the record is linked already (a concurrent link included: the keys
    decide); the caller's transaction then rolls back."""
    linked = await conn.fetchval("INSERT INTO youth_accounts (account_digest, youth_id) VALUES ($1, $2) "
                                 "ON CONFLICT DO NOTHING RETURNING youth_id", account_digest, youth_id)
    if linked is None:
        raise RuleViolated("该账号或该登记记录已与其他账号关联。", rule="account_already_linked")
    await conn.execute("DELETE FROM claim_codes WHERE youth_id = $1", youth_id)  # nothing left to claim


async def account_in_group(conn: asyncpg.Connection, youth_id: str) -> bool:
    """Whether an account reaches the person of `youth_id` already: through it or any record merged with it."""
    group = await merged_group(conn, await survivor_of(conn, youth_id))
    return await conn.fetchval("SELECT EXISTS (SELECT 1 FROM youth_accounts WHERE youth_id = ANY($1::text[]))", group)


async def forget_account(conn: asyncpg.Connection, youth_id: str) -> None:
    """An erased record: its account link and any claim code are gone."""
    await conn.execute("DELETE FROM youth_accounts WHERE youth_id = $1", youth_id)
    await conn.execute("DELETE FROM claim_codes WHERE youth_id = $1", youth_id)


async def save_claim_code(conn: asyncpg.Connection, code_digest: bytes, youth_id: str, expires_at: datetime) -> None:
    """The record's claim code; a new one replaces the code printed before."""
    await conn.execute("INSERT INTO claim_codes (code_digest, youth_id, expires_at) VALUES ($1, $2, $3) "
                       "ON CONFLICT (youth_id) DO UPDATE SET code_digest = EXCLUDED.code_digest, "
                       "expires_at = EXCLUDED.expires_at", code_digest, youth_id, expires_at)


async def take_claim_code(conn: asyncpg.Connection, code_digest: bytes) -> asyncpg.Record | None:
    """(youth_id, expires_at) of the code, used up in this transaction (a concurrent claim waits, then finds none)."""
    return await conn.fetchrow("DELETE FROM claim_codes WHERE code_digest = $1 RETURNING youth_id, expires_at",
                               code_digest)


# ---- audit -------------------------------------------------------------------------------------

async def record_audit(conn: asyncpg.Connection, who: Principal, action: str, youth_ids: list[str] | str | None,
                       fields: list[str], purpose: str | None) -> None:
    """One row per person touched (`audit_write`), in a statement of its own."""
    await write_companions(conn, audit_write(who, action, youth_ids, fields, purpose))


def audit_write(who: Principal, action: str, youth_ids: list[str] | str | None, fields: list[str],
                purpose: str | None) -> list[Companion]:
    """One row per person touched. Field *names* only, never values. A companion of a command's append
    (its audit in the same round trip) or, through `record_audit`, a statement of its own."""
    ids = [youth_ids] if isinstance(youth_ids, str) or youth_ids is None else list(youth_ids)
    if not ids:
        return []
    ctx = trace.get_current_span().get_span_context()
    trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
    return [Companion(
        """INSERT INTO audit (actor, roles, scope, action, youth_id, fields, purpose, trace_id)
           SELECT $1::text, $2::text[], $3::text, $4::text, unnest($5::text[]), $6::text[], $7::text, $8::text""",
        (who.subject, sorted(who.roles), who.district, action, ids, fields, purpose, trace_id))]


async def audit_entries(conn: asyncpg.Connection, *, youth_id: str | None, actor: str | None, action: str | None,
                        after: int | None, limit: int) -> list[asyncpg.Record]:
    return await conn.fetch(
        """SELECT id, at, actor, roles, scope, action, youth_id, fields, purpose, trace_id FROM audit
            WHERE ($1::text IS NULL OR youth_id = $1) AND ($2::text IS NULL OR actor = $2)
              AND ($3::text IS NULL OR action = $3) AND ($4::bigint IS NULL OR id < $4)
            ORDER BY id DESC LIMIT $5""", youth_id, actor, action, after, limit)
