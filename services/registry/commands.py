"""Running commands on a person's record: load, guard, decide, append (chassis.commands.run), then keep
the query tables (tables.py) in the same transaction. Every write path of the registry goes through here:
one command, an erasure (the person with every record merged into them), a bulk import."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import asyncpg

from chassis import commands
from chassis.auth import Principal
from chassis.envelope import Envelope
from chassis.erasure_ledger import ERASED, SHARING_GIVEN, SHARING_WITHDRAWN, shares
from chassis.errors import AppError, Duplicate, NotFound, RuleViolated, Unavailable, VersionConflict
from chassis.eventstore import Companion, EventStore
from chassis.vault import KeyRing, Vault
from contracts.registry import Status

from . import tables
from .access import OPERATORS
from .accounts import account_digest
from .domain.commands import EraseYouth, GiveConsent, RegisterYouth, UpdateProfile, WithdrawConsent
from .domain.decider import youth
from .domain.events import YouthRegistered
from .domain.state import YouthState, stream_id


@dataclass(frozen=True)
class Outcome:
    envelopes: list[Envelope]
    state: YouthState
    version: int

    def accepted(self) -> dict:
        subject = stream_id(self.state.youth_id)
        return {"id": self.state.youth_id, "version": self.version, "position": f"{subject}@{self.version}"}


async def load(conn: asyncpg.Connection, store: EventStore, youth_id: str) -> tuple[YouthState, int]:
    stream = await store.load(conn, stream_id(youth_id))
    return youth.fold(stream.events), stream.version


async def load_existing(conn, store, youth_id: str, who: Principal) -> tuple[YouthState, int]:
    state, version = await load(conn, store, youth_id)
    who.require_found_in_district(state.district if state.exists else None, "未找到该青年。")
    return state, version


async def run(conn: asyncpg.Connection, store: EventStore, vault: Vault, youth_id: str, command, *,
              expected_version: int | None = None, who: Principal | None = None,
              audit: Callable[[YouthState], list[Companion]] | None = None) -> Outcome:
    """`command` on the person `youth_id`. A RegisterYouth must come with an id made for it (a fresh
    UUID): there is nothing to load, and a stream that exists after all is refused by the append.
    `audit(state after)`: the command's audit row (tables.audit_write), written with it.

    The query tables' writes (identifier claims, index row, merge, audit) ride in the append's statement
    (chassis Companion): one round trip for the command's rows. An identifier found taken then raises
    Duplicate after that statement, and the caller's transaction rolls all of it back.

    A registration outside a transaction is that one statement alone (autocommit: no BEGIN, no COMMIT).
    Its person key is kept first (committed before the events sealed with it, chassis/keystore.py), and
    the statement is strict: a held identifier or a taken version fails all of it, and the key is shredded."""
    if who is not None and isinstance(command, UpdateProfile) and "district" in command.changes:
        who.require_district(command.changes["district"])  # a district may not move a person out of reach

    def guard(state: YouthState) -> None:
        if isinstance(command, RegisterYouth):
            if who is not None and state.exists:
                who.require_district(state.district)
            return
        if who is None:
            if not state.exists:
                raise NotFound("未找到该青年。")
            return
        who.require_found_in_district(state.district if state.exists else None, "未找到该青年。")

    subject = stream_id(youth_id)
    keys = vault.key_ring()  # the person's key read or made once for the events and the index row
    registering = isinstance(command, RegisterYouth)
    alone = registering and not conn.is_in_transaction()  # the registration is one statement of its own
    if registering:
        keys.new_person(subject)
    if alone:
        await keep_key_first(vault, keys, subject)
    claims: list[Companion] = []
    sending = []  # set once the statement may reach the database

    async def alongside(before: YouthState, after: YouthState) -> list[Companion]:
        others, claim = identifier_writes(vault, before, after, strict=alone)
        claims[:] = [claim] if claim is not None else []
        writes = [*others, *claims, *await tables.index_writes(conn, keys, [after]),
                  *tables.save_merge(before, after), *(audit(after) if audit is not None else [])]
        sending.append(True)
        return writes

    try:
        done = await commands.run(conn, store, youth, subject, command, expected_version=expected_version,
                                  guard=guard, new_stream=registering, sealer=keys, companions=alongside,
                                  strict=alone)
    except Exception as refused:
        if not alone:
            raise
        strict_refusal = isinstance(refused, asyncpg.UniqueViolationError | VersionConflict)
        if strict_refusal or not sending:  # nothing written (a lost answer may hide a commit: key kept then)
            await vault.shred([subject])  # the key kept for it unlocks nothing
        if isinstance(refused, asyncpg.UniqueViolationError) and refused.constraint_name == tables.IDENTIFIER_KEY:
            raise await held(conn, vault, claims[0], youth_id, who) from None
        raise
    for claim in claims:
        if taken := tables.taken(claim, youth_id):  # someone else's: a duplicate (the first found is reported)
            kind = next(k for k in ("mobile", "id_number") if k in taken)
            raise await duplicate(conn, kind, taken[kind], who)
    await keep_account(conn, vault, done.before, done.state)
    await keys.flush()  # after the append, before the commit (chassis/keystore.py: order)
    if vault.ledger is not None and done.envelopes and isinstance(command, GiveConsent | WithdrawConsent) \
            and shares(command.purpose):  # an agency's sharing outlives a restore too
        await vault.ledger.record(SHARING_GIVEN if isinstance(command, GiveConsent) else SHARING_WITHDRAWN,
                                  [youth_id], command.purpose)
    return Outcome(done.envelopes, done.state, done.version)


async def erase(conn: asyncpg.Connection, store: EventStore, vault: Vault, youth_id: str, today: date,
                who: Principal | None) -> tuple[Outcome, list[str]]:
    """Erase the person `youth_id` (PIPL Art. 47) with every record merged into the same person: each record
    keeps its sealed profile under its own key, so each one is erased and its key shredded, in the caller's
    one transaction. `who` None: the person themself (`youth_id` resolved from their own account). Returns
    the outcome for `youth_id` and every id erased."""
    survivor = await tables.survivor_of(conn, youth_id)
    await tables.lock_survivor(conn, survivor)
    outcome = await run(conn, store, vault, youth_id, EraseYouth(today), who=who)
    group = await tables.merged_group(conn, survivor)
    for other in group:
        if other != youth_id and (await load(conn, store, other))[0].status != Status.ERASED:
            await run(conn, store, vault, other, EraseYouth(today))  # the same person: no district guard
    if vault.ledger is not None:  # first: no key is shredded for an erasure a restore could forget
        await vault.ledger.record(ERASED, group)  # (chassis/erasure_ledger.py)
    # Crypto-shredding, in the key store, before this transaction commits the erasure (chassis/keystore.py)
    await vault.shred([stream_id(each) for each in group])
    return outcome, group


async def register_many(conn: asyncpg.Connection, store: EventStore, vault: Vault,
                        fresh: list[tuple[str, list[tuple[str, bytes]], YouthRegistered]]) -> None:
    """Write a bulk import's new people `[(youth id, [(kind, digest)], event)]` with a handful of statements:
    keys, events and outbox, identifiers, query table. The caller found no duplicates among them."""
    keys = vault.key_ring()
    for youth_id, _, _ in fresh:
        keys.new_person(stream_id(youth_id))
    # Fresh ids start new streams: appended after version 0 without loading anything.
    await store.append_many(conn, [(stream_id(y), 0, [e]) for y, _, e in fresh], sealer=keys)
    await tables.add_identifiers(conn, [(kind, d, y) for y, digests, _ in fresh for kind, d in digests])
    await tables.save_index(conn, keys, [youth.evolve(YouthState(), e) for _, _, e in fresh])
    await keys.flush()


def identifier_writes(vault: Vault, before: YouthState, after: YouthState, *,
                      strict: bool = False) -> tuple[list[Companion], Companion | None]:
    """The blind index follows the record: released on erasure, moved on a merge, a changed mobile or ID
    number released and the new one claimed. -> (the releases and moves, the claim: its rows say who
    holds each identifier claimed; `strict`: one held fails the statement)."""
    youth_id = after.youth_id
    if after.status == Status.ERASED:
        return [tables.release_all_identifiers(youth_id)], None
    if after.status == Status.MERGED and before.status != Status.MERGED:
        return [tables.move_identifiers(youth_id, after.merged_into)], None
    changed = [(kind, before.profile.get(kind), after.profile.get(kind)) for kind in ("mobile", "id_number")]
    releases = [(kind, old) for kind, old, new in changed if new != old and old is not None]
    claims = [(kind, new) for kind, old, new in changed if new != old and new is not None]
    return ([tables.release_identifiers(vault, releases, youth_id)] if releases else [],
            tables.claim_identifiers(vault, claims, youth_id, strict=strict) if claims else None)


async def keep_key_first(vault: Vault, keys: KeyRing, subject: str) -> None:
    """The key of a person registered by a statement of its own, kept before it (never replacing one: a
    subject with a key is not new, which a fresh id never meets)."""
    key = keys.new.pop(subject)
    if not await vault.keys.add(subject, vault.master_key_id, vault.wrap(subject, key)):
        raise VersionConflict(subject, 0, 1)


async def held(conn, vault: Vault, claim: Companion, youth_id: str, who: Principal | None) -> AppError:
    """A strict claim failed: the identifier's holder as a Duplicate (mobile first), or, if it is gone
    again meanwhile (released by an erasure), a retry."""
    kinds, digests = claim.args[0], claim.args[1]
    owners = await tables.identifier_owners(conn, list(zip(kinds, digests)))
    for kind, digest in zip(kinds, digests):
        if owners.get(digest, youth_id) != youth_id:
            return await duplicate(conn, kind, owners[digest], who)
    return Unavailable("该手机号或身份证号刚被释放，请重试登记。", retry_after=1)


async def keep_account(conn, vault: Vault, before: YouthState, after: YouthState) -> None:
    """The account link table follows the record: linked when `account-linked.v1` was decided, gone on erasure."""
    if after.status == Status.ERASED:
        await tables.forget_account(conn, after.youth_id)
    elif after.account is not None and after.account != before.account:
        if await tables.account_in_group(conn, after.youth_id):  # a record merged with it is linked already
            raise RuleViolated("该青年已用本人账号登录并关联了记录。", rule="account_already_linked")
        await tables.link_account(conn, account_digest(vault, after.account), after.youth_id)


async def duplicate(conn, kind: str, existing: str, who: Principal | None) -> Duplicate:
    label = "手机号" if kind == "mobile" else "身份证号"
    district = await tables.district_of(conn, existing)
    visible = who is not None and who.has_any(*OPERATORS) and (district is None or who.sees_district(district))
    details = {"existing_id": existing, "identifier": kind} if visible else {"identifier": kind}
    return Duplicate(f"该{label}已登记，请勿重复登记。", **details)
