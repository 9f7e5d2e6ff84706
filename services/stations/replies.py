"""The agencies' replies (`partner.<agency>.replies`, written by the agency's own principal only), read by
stations, which owns the cases: no other service stands between an agency and the case it answers.

Each reply once (its ce_id, per agency, claimed in `agency_replies`), in one transaction: read and validated
(reply_reading), its case found by the agency's case reference (`referrals`), decided on the case like a
worker's step (domain/case_replies.py). A reply that fails any of these changes nothing and goes to
`partner.<agency>.replies.dead-letters` through the outbox, with the reason — in the same transaction as
its claim, so it is dead-lettered exactly once. Offsets are committed after; a restart re-reads from the
last commit and the claims skip what was done.
"""
from __future__ import annotations

import logging

from aiokafka import ConsumerRecord

from chassis import metrics
from chassis.background import Background
from chassis.commands import run, transaction
from chassis.errors import AppError, RuleViolated, ValidationFailed
from chassis.kafka import consumer as make_consumer
from chassis.kafka_login import service_login
from chassis.kafka_ready import wait_for_group_coordinator
from chassis.retry import resuming
from contracts.agencies import AGENCIES
from contracts.partners import agency_of_topic, replies_topic

from . import commands
from .deps import Runtime
from .domain import case
from .partner_messages import ReplyRejected
from .reply_reading import Rejection, Reply, read

log = logging.getLogger(__name__)
NAME = "stations.replies"
REPLIES = metrics.meter.create_counter(
    "xq.agency_replies", unit="{message}",
    description="agencies' replies read, per agency and verdict (applied, repeat, or the dead-letter reason)")


def _command(reply: Reply, agency: str, at) -> case.AgencyReply:
    d = reply.data
    return case.AgencyReply(agency, reply.type, at, reason=d.get("reason", ""), stage=d.get("stage", ""),
                            result=d.get("result", ""), outcome=d.get("outcome", ""))


class ReplyConsumer:
    name = NAME

    def __init__(self, rt: Runtime):
        self.rt = rt
        # Every agency's replies, as contracts/ declares them (an agency that takes no referrals has none to
        # answer: anything it writes is dead-lettered as an unknown case).
        self.topics = [rt.settings.topic(replies_topic(a)) for a in sorted(AGENCIES)]
        self.applied = 0
        self.rejected = 0
        self._background = Background()

    def start(self) -> None:
        if self.topics:
            self._background.start(resuming(self._consume, pause=1.0, report=self._interrupted), NAME)

    async def stop(self) -> None:
        await self._background.stop()

    def _interrupted(self, exc: Exception) -> None:
        metrics.ERRORS.add(1, {"service": "stations", "component": "replies", "kind": type(exc).__name__})
        log.warning("agency replies interrupted; resuming", extra={"error": repr(exc)[:300]})

    async def _consume(self) -> None:
        settings = self.rt.settings
        group = settings.group(NAME)
        login = service_login(settings, "stations")  # its ACLs: read the agencies' replies in a stations.* group
        consumer = make_consumer(login, group, client_id=f"stations-{NAME}")
        try:
            consumer.subscribe(self.topics)
            await wait_for_group_coordinator(login, group)
            await consumer.start()
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=200)
                for tp, records in batches.items():
                    for record in records:
                        await self.handle(record)
                    await consumer.commit({tp: records[-1].offset + 1})
        finally:
            try:
                await consumer.stop()
            except Exception:
                pass

    async def handle(self, record: ConsumerRecord) -> str:
        """Apply one reply or dead-letter it; the verdict ("applied", a dead-letter reason, "repeat")."""
        rt = self.rt
        agency = agency_of_topic(rt.settings.bare_topic(record.topic))
        now = rt.deps.clock.now()
        reading = read(record.value, record.headers or [])
        reply_id = reading.reply_id or f"offset/{record.partition}/{record.offset}"
        async with transaction(rt.pool) as conn:
            claimed = await conn.fetchval(
                "INSERT INTO agency_replies (agency, reply_id, verdict, received_at) VALUES ($1, $2, '', $3) "
                "ON CONFLICT DO NOTHING RETURNING true", agency, reply_id, now)
            if not claimed:
                REPLIES.add(1, {"agency": agency, "verdict": "repeat"})
                return "repeat"
            verdict = reading if isinstance(reading, Rejection) else await self._apply(conn, agency, reading, now)
            if isinstance(verdict, Rejection):
                await self._dead_letter(conn, agency, record, verdict)
            name = verdict.reason if isinstance(verdict, Rejection) else "applied"
            await conn.execute("UPDATE agency_replies SET verdict = $3 WHERE agency = $1 AND reply_id = $2",
                               agency, reply_id, name)
        if name == "applied":
            self.applied += 1
        else:
            self.rejected += 1
        REPLIES.add(1, {"agency": agency, "verdict": name})
        return name

    async def _apply(self, conn, agency: str, reply: Reply, now) -> Rejection | None:
        ref = reply.data["case_ref"]
        case_id = await conn.fetchval("SELECT case_id FROM referrals WHERE agency = $1 AND case_ref = $2", agency, ref)
        if case_id is None:
            return Rejection("unknown_case", "no case was referred to this agency under this case_ref",
                             reply.reply_id, reply.type, field="case_ref", rule="unknown_case", case_ref=ref)
        try:
            async with conn.transaction():  # a savepoint: a refused reply leaves nothing behind
                outcome = await run(conn, self.rt.deps.stores.case, case.case, case.stream_id(case_id),
                                    _command(reply, agency, now), race_retries=commands.RACE_RETRIES)
                await commands.track_case(conn, outcome)
        except (RuleViolated, ValidationFailed) as refused:
            rule, field = _rule_of(refused)
            reason = rule if rule in ("not_referred_to_agency", "out_of_order") else (
                "out_of_order" if isinstance(refused, RuleViolated) else "invalid")
            return Rejection(reason, refused.message, reply.reply_id, reply.type, field=field, rule=rule, case_ref=ref)
        return None

    async def _dead_letter(self, conn, agency: str, record: ConsumerRecord, why: Rejection) -> None:
        store = self.rt.deps.partner_stores.dead_letters[agency]
        stream = f"replies-{agency.lower()}"
        version = await conn.fetchval("SELECT coalesce(max(version), 0) FROM events WHERE stream_id = $1", stream)
        await store.append(conn, stream, version, [ReplyRejected(
            reason=why.reason, message=why.message, partition=record.partition, offset=record.offset,
            reply_id=why.reply_id, reply_type=why.reply_type, case_ref=why.case_ref, field=why.field, rule=why.rule)])


def _rule_of(error: AppError) -> tuple[str, str | None]:
    if isinstance(error, ValidationFailed) and error.errors:
        return error.errors[0].rule, error.errors[0].field
    details = getattr(error, "details", {}) or {}
    return str(details.get("rule", "refused")), details.get("field")


def consumers(rt: Runtime) -> list[ReplyConsumer]:
    rt.deps.replies = ReplyConsumer(rt)
    return [rt.deps.replies]
