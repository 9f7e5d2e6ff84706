"""Running one command on one person: load, decide, append, then keep the blind index and the query
table in the same transaction. Every write path of the registry goes through here."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import asyncpg

from chassis import commands
from chassis.auth import Principal
from chassis.envelope import Envelope
from chassis.errors import Duplicate, Forbidden, NotFound
from chassis.eventstore import EventStore

from . import domain, views
from .domain import YouthState
from .identity import mask_id_number, mask_mobile, normalize_id_number, normalize_mobile
from .vault import Vault

BEIJING = ZoneInfo("Asia/Shanghai")
OPERATORS = ("admin", "registry_operator")
SCOPED_READERS = ("branch_secretary", "station_staff")


def today() -> date:
    return datetime.now(BEIJING).date()


@dataclass(frozen=True)
class Outcome:
    envelopes: list[Envelope]
    state: YouthState
    version: int

    def accepted(self) -> dict:
        subject = domain.stream_id(self.state.youth_id)
        return {"id": self.state.youth_id, "version": self.version, "position": f"{subject}@{self.version}"}


async def load(conn: asyncpg.Connection, store: EventStore, youth_id: str) -> tuple[YouthState, int]:
    stream = await store.load(conn, domain.stream_id(youth_id))
    return domain.youth.fold(stream.events), stream.version


async def load_existing(conn, store, youth_id: str, who: Principal) -> tuple[YouthState, int]:
    state, version = await load(conn, store, youth_id)
    who.require_found_in_district(state.district if state.exists else None, "未找到该青年。")
    return state, version


async def run(conn: asyncpg.Connection, store: EventStore, vault: Vault, youth_id: str, command, *,
              expected_version: int | None = None, who: Principal | None = None) -> Outcome:
    """`command` on the person `youth_id`. A RegisterYouth must come with an id made for it (a fresh
    UUID): there is nothing to load, and a stream that exists after all is refused by the append."""
    if who is not None and isinstance(command, domain.UpdateProfile) and "district" in command.changes:
        who.require_district(command.changes["district"])  # a district may not move a person out of reach

    def guard(state: YouthState) -> None:
        if isinstance(command, domain.RegisterYouth):
            if who is not None and state.exists:
                who.require_district(state.district)
            return
        if who is None:
            if not state.exists:
                raise NotFound("未找到该青年。")
            return
        who.require_found_in_district(state.district if state.exists else None, "未找到该青年。")

    subject = domain.stream_id(youth_id)
    keys = vault.key_ring()  # the person's key read or made once for the events and the index row
    registering = isinstance(command, domain.RegisterYouth)
    if registering:
        keys.new_person(subject)
    done = await commands.run(conn, store, domain.youth, subject, command, expected_version=expected_version,
                              guard=guard, new_stream=registering, sealer=keys)
    await keep_identifiers(conn, vault, done.before, done.state, who)
    await views.save_index(conn, keys, [done.state])
    await views.save_merge(conn, done.before, done.state)
    await keys.flush(conn)
    return Outcome(done.envelopes, done.state, done.version)


async def erase(conn: asyncpg.Connection, store: EventStore, vault: Vault, youth_id: str, today: date,
                who: Principal) -> tuple[Outcome, list[str]]:
    """Erase the person `youth_id` (PIPL Art. 47) with every record merged into the same person: each record
    keeps its sealed profile under its own key, so each one is erased and its key shredded, in the caller's
    one transaction. Returns the outcome for `youth_id` and every id erased."""
    outcome = await run(conn, store, vault, youth_id, domain.EraseYouth(today), who=who)
    group = await views.merged_group(conn, youth_id)
    for other in group:
        if other != youth_id and (await load(conn, store, other))[0].status != domain.Status.ERASED:
            await run(conn, store, vault, other, domain.EraseYouth(today))  # the same person: no district guard
    for each in group:
        await vault.shred(conn, domain.stream_id(each))  # crypto-shredding: every sealed copy is gone
    return outcome, group


async def claim_identifiers(conn, vault: Vault, claims: list[tuple[str, str]], youth_id: str,
                            who: Principal | None) -> None:
    """Claim `[(kind, value), …]` for `youth_id` in the blind index with one statement; a value that
    belongs to someone else is a duplicate (the first one found is reported)."""
    kinds = [kind for kind, _ in claims]
    owners = await conn.fetch(
        "INSERT INTO youth_identifiers (kind, digest, youth_id) SELECT k, d, $3 FROM unnest($1::text[], $2::bytea[]) "
        "AS c(k, d) ON CONFLICT (kind, digest) DO UPDATE SET kind = youth_identifiers.kind RETURNING kind, youth_id",
        kinds, [vault.blind_index(kind, value) for kind, value in claims], youth_id)
    taken = {r["kind"]: r["youth_id"] for r in owners if r["youth_id"] != youth_id}
    for kind in kinds:
        if kind in taken:
            raise await duplicate(conn, kind, taken[kind], who)


async def duplicate(conn, kind: str, existing: str, who: Principal | None) -> Duplicate:
    label = "手机号" if kind == "mobile" else "身份证号"
    district = await conn.fetchval("SELECT district FROM youth_index WHERE youth_id = $1", existing)
    visible = who is not None and who.has_any(*OPERATORS) and (district is None or who.sees_district(district))
    details = {"existing_id": existing, "identifier": kind} if visible else {"identifier": kind}
    return Duplicate(f"该{label}已登记，请勿重复登记。", **details)


async def keep_identifiers(conn, vault: Vault, before: YouthState, after: YouthState, who) -> None:
    youth_id = after.youth_id
    if after.status == domain.Status.ERASED:
        await conn.execute("DELETE FROM youth_identifiers WHERE youth_id = $1", youth_id)
        return
    if after.status == domain.Status.MERGED and before.status != domain.Status.MERGED:
        await conn.execute("UPDATE youth_identifiers SET youth_id = $2 WHERE youth_id = $1", youth_id,
                           after.merged_into)
        return
    claims = []
    for kind in ("mobile", "id_number"):
        old, new = before.profile.get(kind), after.profile.get(kind)
        if new != old:
            if old is not None:
                await conn.execute("DELETE FROM youth_identifiers WHERE kind = $1 AND digest = $2 AND youth_id = $3",
                                   kind, vault.blind_index(kind, old), youth_id)
            if new is not None:
                claims.append((kind, new))
    if claims:
        await claim_identifiers(conn, vault, claims, youth_id, who)


async def lookup(conn, vault: Vault, *, mobile: str | None = None, id_number: str | None = None) -> list[str]:
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


def readable_fields(who: Principal, *, reveal_id: bool) -> tuple[str, ...]:
    """Field-level access (docs/REGISTRY.md): operators see the profile (ID number masked unless revealed);
    branch secretaries and station staff see name and masked mobile; nobody else sees persons."""
    if who.has_any(*OPERATORS):
        return ("name", "gender", "birth_date", "mobile", "id_number", "wechat", "employer", "education", "needs") \
            + (("id_number_revealed",) if reveal_id else ())
    if who.has_any(*SCOPED_READERS):
        return ("name", "mobile_masked")
    raise Forbidden("当前角色无权查看个人信息（只能查看汇总数据）。", rule="role")


def personal_view(profile: dict, fields: tuple[str, ...]) -> dict:
    out = {}
    for f in fields:
        if f == "id_number":
            out["idNumber"] = profile.get("id_number") if "id_number_revealed" in fields \
                else mask_id_number(profile.get("id_number"))
        elif f == "mobile_masked":
            out["mobile"] = mask_mobile(profile.get("mobile"))
        elif f != "id_number_revealed":
            value = profile.get(f)
            out[domain.CAMEL[f]] = value.isoformat() if isinstance(value, date) else value
    return out


def audited_fields(fields: tuple[str, ...]) -> list[str]:
    names = {"id_number_revealed": "idNumber(revealed)", "mobile_masked": "mobile(masked)",
             "id_number": "idNumber(masked)"}
    return [names.get(f, domain.CAMEL.get(f, f)) for f in fields if not (f == "id_number" and
                                                                        "id_number_revealed" in fields)]
