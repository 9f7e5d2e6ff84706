"""The command runner of 榜样选树 (domain/role_model.py) and the reads of its sealed profiles.

The profile (name, photo reference, story) is sealed with the nomination's own key (chassis/vault.py, subject
`role-model-<id>`) into the stations' table `role_models` in the command's transaction; events, read models and
logs never carry it. The name is the registry's: asked with the nominator's own token, so the registry checks
the person is registered and visible to that caller (their district) and audits the read, as for every reveal.
"""
from __future__ import annotations

from dataclasses import replace

import asyncpg
import orjson

from chassis.auth import Principal
from chassis.commands import Outcome
from chassis.errors import Forbidden, NotFound, RuleViolated, Unavailable
from chassis.purpose import HEADER as PURPOSE_HEADER
from chassis.purpose import header_value
from chassis.service_client import Unreachable

from . import role_model_tables as tables
from .commands import Guard, execute
from .deps import Runtime
from .domain import role_model as rm

PROFILE = "role-model-profile"  # the place a profile's sealed blob is bound to (chassis.vault associated data)
MISSING = "榜样提名不存在。"
NAME_PURPOSE = "榜样选树提名：核对被提名人的登记姓名"


async def registered_name(rt: Runtime, who: Principal, youth_id: str) -> str:
    """The nominee's name as the registry holds it, read with the nominator's token (district-scoped, audited)."""
    headers = {"authorization": f"Bearer {who.token}", PURPOSE_HEADER: header_value(NAME_PURPOSE)}
    try:
        response = await rt.deps.registry.http.get(f"/youth/{youth_id}", headers=headers)
    except Unreachable:
        raise Unavailable("登记服务暂时无法连接，请稍后重试。", retry_after=2) from None
    if response.status_code in (403, 404):
        body = response.json()
        error = Forbidden if response.status_code == 403 else NotFound
        raise error(body.get("message", "未找到该青年。"), **({"rule": body["rule"]} if "rule" in body else {}))
    if response.status_code != 200:
        raise Unavailable(f"登记服务暂时无法核对被提名人（HTTP {response.status_code}），请稍后重试。", retry_after=2)
    profile = response.json()
    if profile.get("status") != "ACTIVE" or not profile.get("name"):
        raise RuleViolated("被提名人须为登记在册、状态正常的青年。", rule="not_active")
    return str(profile["name"])


async def nominate(rt: Runtime, who: Principal, command: rm.Nominate) -> dict:
    """Checked first (nothing asked of the registry for bad input), then the name, then sealed with the event."""
    rm.check_request(command).raise_if_any()
    who.require_district(command.district)
    command = replace(command, name=await registered_name(rt, who, command.youth_id))
    nid = command.nomination_id
    profile = orjson.dumps({"name": command.name, "photoRef": command.photo_ref.strip(),
                            "story": command.story.strip()})

    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        sealed = await rt.deps.vault.seal(conn, rm.stream_id(nid), profile, PROFILE)
        await tables.keep_nomination(conn, outcome.state, command.at, sealed)

    return await execute(rt, rt.deps.stores.role_model, rm.role_model, rm.stream_id(nid), command, nid, then=keep)


def own_nomination(youth_id: str) -> Guard:
    """The nominee's own (another person's nomination answers like a nomination of nothing)."""

    def guard(state) -> None:
        if not state.belongs_to(youth_id):
            raise NotFound(MISSING)
    return guard


async def _status(conn: asyncpg.Connection, outcome: Outcome) -> None:
    if outcome.envelopes:
        await tables.keep_status(conn, outcome.state)


async def answer_consent(rt: Runtime, youth_id: str, nomination_id: str, command: rm.AnswerConsent) -> dict:
    return await execute(rt, rt.deps.stores.role_model, rm.role_model, rm.stream_id(nomination_id), command,
                         nomination_id, guard=own_nomination(youth_id), then=_status)


async def step(rt: Runtime, who: Principal, nomination_id: str, command: rm.RoleModelCommand) -> dict:
    """A staff step on a nomination of the caller's district (one answer for missing and elsewhere)."""

    async def keep(conn: asyncpg.Connection, outcome: Outcome) -> None:
        # An erased nominee is not put on a list nor credited with talks (raised here, the append rolls back).
        if outcome.envelopes and isinstance(command, rm.Select | rm.RecordTalk) and await tables.shredded(conn, nomination_id):
            raise RuleViolated("被提名人已删除登记，不能再入选或登记宣讲。", rule="erased")
        await _status(conn, outcome)
        for event in outcome.envelopes:
            if event.type == rm.TalkRecorded.TYPE:
                await tables.keep_talk(conn, outcome.state.talks[-1])

    return await execute(rt, rt.deps.stores.role_model, rm.role_model, rm.stream_id(nomination_id), command,
                         nomination_id, who=who, missing=MISSING, then=keep)


async def profiles(rt: Runtime, rows: list[asyncpg.Record]) -> list[dict | None]:
    """Each row's profile unsealed (None once shredded), with one key read per nomination."""
    ring = rt.deps.vault.key_ring()
    await ring.preload([rm.stream_id(r["nomination_id"]) for r in rows if r["sealed"] is not None])
    found: list[dict | None] = []
    for r in rows:
        plain = None if r["sealed"] is None else await ring.unseal(None, rm.stream_id(r["nomination_id"]),
                                                                    r["sealed"], PROFILE)
        found.append(None if plain is None else orjson.loads(plain))
    return found
