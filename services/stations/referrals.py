"""Referrals on `partner.<agency>.referrals`, through this service's outbox.

A referral is written to the outbox in the transaction that records `CaseReferred`: pseudonym, the
agency's case reference, category, urgency and district, as the agency's agreement allows. The youth's
summary (and the contact, when they consented to giving it) is NOT in the stored message: the relay adds
it when it publishes (`enrich`), unsealing it from the case with the case's key. So it is never stored in
plaintext outside the sealed case, and once the person is erased (the key shredded) a message sent again
from the outbox carries nothing personal. Erasure also publishes `referral.erased` under the same key,
so the compacted topic keeps only that notice.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg

from chassis.clock import beijing_date
from chassis.envelope import Envelope
from chassis.eventstore import EventStore
from chassis.referral_terms import ReferralTerms
from contracts.partners import ReferralMessages, agency_of_topic

from .deps import Runtime
from .domain import case
from .partner_messages import ReferralErased, ReferralSent
from .tables import known_youth


def case_ref(rt: Runtime, agency: str, case_id: str) -> str:
    """The agency's own reference of a case: like its pseudonyms, useless to any other agency."""
    return rt.deps.pseudonyms.subject(agency, f"case/{case_id}")


async def _append(conn: asyncpg.Connection, store: EventStore, stream: str, message) -> None:
    version = await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream)
    await store.append(conn, stream, version, [message])


async def publish(rt: Runtime, conn: asyncpg.Connection, state: case.CaseState, referred_at: datetime) -> None:
    """The referral of `state` (just referred) into the outbox, under its agency's terms. It names the person
    (their pseudonym, and the link kept for their erasure) only while the registry says they exist: a case
    keeps its youth's id after their erasure, and referring it again must not link them again."""
    agency = state.agency
    assert agency is not None
    terms = rt.deps.referral_terms[agency]  # the command was refused without them
    ref = case_ref(rt, agency, state.case_id)
    youth_id = state.youth_id if state.youth_id and await known_youth(conn, state.youth_id) else None
    await conn.execute("INSERT INTO referrals (agency, case_ref, case_id, youth_id, referred_at) "
                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (agency, case_ref) DO UPDATE SET referred_at = $5",
                       agency, ref, state.case_id, youth_id, referred_at)
    allowed = {"subject_id": rt.deps.pseudonyms.subject(agency, youth_id) if youth_id else None,
               "urgency": state.urgency, "district": state.district}
    message = ReferralSent(case_ref=ref, category=state.category, referred_at=referred_at,
                           contact_shared=state.contact_shared and terms.allows("contact"),
                           **{k: v for k, v in allowed.items() if terms.allows(k)})
    await _append(conn, rt.deps.partner_stores.referrals[agency], ref, message)


async def erased(rt: Runtime, conn: asyncpg.Connection, youth_id: str, on: datetime) -> None:
    """The person's referrals: each agency is told, under the referral's own key; the link is forgotten."""
    rows = await conn.fetch("UPDATE referrals SET youth_id = NULL WHERE youth_id = $1 RETURNING agency, case_ref",
                            youth_id)
    for r in rows:
        await _append(conn, rt.deps.partner_stores.referrals[r["agency"]], r["case_ref"],
                      ReferralErased(case_ref=r["case_ref"], erased_on=beijing_date(on).isoformat()))


async def _personal(rt: Runtime, conn: asyncpg.Connection, agency: str, ref: str) -> dict[str, str]:
    """The summary and contact of a referred case, unsealed now (empty once its key is shredded)."""
    case_id = await conn.fetchval("SELECT case_id FROM referrals WHERE agency = $1 AND case_ref = $2", agency, ref)
    if case_id is None:
        return {}
    events = (await rt.deps.stores.case.load(conn, case.stream_id(case_id))).events
    found = {"summary": next((e.summary for e in events if isinstance(e, case.CaseOpened)), None),
             "contact": next((e.contact for e in reversed(events)
                              if isinstance(e, case.CaseReferred) and e.agency == agency), None)}
    return {k: v for k, v in found.items() if v}


def enricher(rt: Runtime) -> Callable[[asyncpg.Connection, str, Envelope], Awaitable[Envelope]]:
    """The relay's last step for a referral: add what the agreement allows of the sealed content, drop
    empty fields (the schemas are closed, with no nulls)."""
    terms: dict[str, ReferralTerms] = rt.deps.referral_terms

    async def enrich(conn: asyncpg.Connection, topic: str, env: Envelope) -> Envelope:
        bare = rt.settings.bare_topic(topic)
        if not bare.startswith("partner."):
            return env  # the stations' own topics go as stored
        data = {k: v for k, v in env.data.items() if v is not None and k != "contact_shared"}
        if env.type != ReferralMessages.REFERRED:
            return dataclasses.replace(env, data=data)
        agency = agency_of_topic(bare)
        agreed = terms.get(agency)
        if agreed is not None:
            personal = await _personal(rt, conn, agency, env.data["case_ref"])
            if not (env.data.get("contact_shared") and agreed.allows("contact")):
                personal.pop("contact", None)
            data.update({k: v for k, v in personal.items() if agreed.allows(k)})
        return dataclasses.replace(env, data=data)
    return enrich
