"""The command runners and reads of media campaigns (domain/campaign.py, domain/campaign_entry.py).

A campaign is run by its admin: a district's league committee for a district's campaign, the city's league
office for a city-wide one (`district` None). An entrant acts on their own entries only; another person's
entry answers exactly like an entry of nothing. An entry's title and link are sealed with the entry's own key
(subject = its stream id) into `campaign_entries`, in the command's transaction; reads open them, and once the
entrant is erased they open to nothing (None)."""
from __future__ import annotations

from datetime import datetime

import asyncpg
import orjson

from chassis.auth import Principal
from chassis.clock import beijing_date
from chassis.commands import Outcome, run, transaction
from chassis.lifecycle import MarkOverdue

from . import campaign_tables as tables
from .commands import Guard, execute, existing_only, if_recorded, load_existing, owned_by
from .deps import Runtime
from .domain import campaign, campaign_entry

NO_CAMPAIGN = "征集活动不存在。"
NO_ENTRY = "作品不存在。"
CITY = "city"  # where a city-wide campaign lies for the scope check: only a city-wide token is there
PLACE = "campaign-entry"  # what an entry's sealed title and link are bound to (chassis.vault associated data)


def in_scope(who: Principal, missing: str) -> Guard:
    """The campaign (or the entry's campaign) exists and is the caller's to run: its district's token, or a
    city-wide token for any; a city-wide campaign only for a city-wide token (one FORBIDDEN for missing and
    elsewhere, chassis.auth)."""

    def guard(state) -> None:
        who.require_found_in_district((state.district or CITY) if state.exists else None, missing)
    return guard


async def launch(rt: Runtime, command: campaign.LaunchCampaign) -> dict:
    """The caller's district was checked by the route (the campaign's district is the caller's scope)."""
    cid = command.campaign_id
    return await execute(rt, rt.deps.stores.campaign, campaign.campaign, campaign.stream_id(cid), command, cid,
                         then=if_recorded(lambda conn, _: tables.keep_campaign(conn, command)))


_closed = if_recorded(lambda conn, outcome: tables.close_campaign(conn, outcome.state.campaign_id))


async def close(rt: Runtime, who: Principal, campaign_id: str) -> dict:
    return await execute(rt, rt.deps.stores.campaign, campaign.campaign, campaign.stream_id(campaign_id),
                         campaign.CloseCampaign(rt.deps.clock.today()), campaign_id,
                         guard=in_scope(who, NO_CAMPAIGN), then=_closed)


async def close_window_ended(rt: Runtime, campaign_id: str, now: datetime) -> bool:
    """The job's step on one campaign: closed if its window ended; whether it was now."""
    async with transaction(rt.pool) as conn:
        outcome = await run(conn, rt.deps.stores.campaign, campaign.campaign, campaign.stream_id(campaign_id),
                            MarkOverdue(beijing_date(now)))
        await _closed(conn, outcome)
    return bool(outcome.envelopes)


async def submit(rt: Runtime, youth_id: str, entry_id: str, campaign_id: str, title: str, link: str,
                 consent: bool) -> dict:
    """The entry is checked before anything is looked up (bad input stores nothing), then decided on the
    campaign as it stands; its title and link go sealed into the table, in the same transaction."""
    now = rt.deps.clock.now()
    store = rt.deps.stores.campaign
    draft = campaign_entry.SubmitEntry(entry_id, youth_id, campaign.CampaignState(), title, link, consent, now,
                                       beijing_date(now))
    campaign_entry.validate(draft)
    async with rt.pool.acquire() as conn:
        state = await load_existing(conn, store, campaign.campaign, campaign.stream_id(campaign_id),
                                    existing_only(NO_CAMPAIGN))
    command = campaign_entry.SubmitEntry(entry_id, youth_id, state, title, link, consent, now, beijing_date(now))
    subject = campaign_entry.stream_id(entry_id)

    async def seal(conn: asyncpg.Connection, outcome: Outcome) -> None:
        plain = orjson.dumps({"title": title.strip(), "link": link.strip()})
        sealed = await rt.deps.vault.seal(conn, subject, plain, PLACE)
        await tables.keep_entry(conn, entry_id, campaign_id, youth_id, sealed, now)

    return await execute(rt, store, campaign_entry.entry, subject, command, entry_id, then=if_recorded(seal))


async def _entry_step(rt: Runtime, entry_id: str, command: campaign_entry.EntryCommand, guard: Guard) -> dict:
    note = (command.note or "").strip() if isinstance(command, campaign_entry.JudgeEntry) else ""
    keep = if_recorded(lambda conn, outcome: tables.set_entry_status(conn, entry_id, outcome.state.status.value, note))
    return await execute(rt, rt.deps.stores.campaign, campaign_entry.entry, campaign_entry.stream_id(entry_id),
                         command, entry_id, guard=guard, then=keep)


async def withdraw(rt: Runtime, youth_id: str, entry_id: str) -> dict:
    command = campaign_entry.WithdrawEntry(youth_id, rt.deps.clock.today())
    return await _entry_step(rt, entry_id, command, owned_by(youth_id, NO_ENTRY))


async def judge(rt: Runtime, who: Principal, entry_id: str, selected: bool, note: str | None) -> dict:
    command = campaign_entry.JudgeEntry(selected, note, rt.deps.clock.today())
    return await _entry_step(rt, entry_id, command, in_scope(who, NO_ENTRY))


# ---- reads: the sealed title and link opened for whoever may see them ---------------------------------------

async def _opened(rt: Runtime, conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> list[dict]:
    """Each row with its `title` and `link` (None once the entrant was erased: nothing to open)."""
    out = []
    for r in rows:
        plain = None if r["sealed"] is None else await rt.deps.vault.unseal(
            conn, campaign_entry.stream_id(r["entry_id"]), r["sealed"], PLACE)
        content = orjson.loads(plain) if plain is not None else {"title": None, "link": None}
        out.append({**dict(r), **content})
    return out


async def campaign_entries(rt: Runtime, who: Principal, campaign_id: str) -> list[dict]:
    """A campaign's entries for its admin (to judge them): status, title and link — never who entered."""
    async with rt.pool.acquire() as conn:
        await load_existing(conn, rt.deps.stores.campaign, campaign.campaign, campaign.stream_id(campaign_id),
                            in_scope(who, NO_CAMPAIGN))
        return await _opened(rt, conn, await tables.entries(conn, campaign_id))


async def own_entries(rt: Runtime, youth_id: str) -> list[dict]:
    async with rt.pool.acquire() as conn:
        return await _opened(rt, conn, await tables.own_entries(conn, youth_id))


async def showcase(rt: Runtime, campaign_id: str) -> tuple[campaign.CampaignState, list[dict]]:
    """The campaign and its selected entries still readable (an erased entrant's drop out)."""
    async with rt.pool.acquire() as conn:
        state = await load_existing(conn, rt.deps.stores.campaign, campaign.campaign,
                                    campaign.stream_id(campaign_id), existing_only(NO_CAMPAIGN))
        rows = await _opened(rt, conn, await tables.entries(conn, campaign_id, selected_only=True))
    return state, [r for r in rows if r["title"] is not None]
