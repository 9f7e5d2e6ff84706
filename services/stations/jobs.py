"""The stations' scheduled work: the processes that mark overdue appeals, cases and governance items, the
one that looks for hot topics (集中诉求), and the one that closes media campaigns at the end of their window. Each appeal or case
past an open deadline gets `MarkOverdue(now)` through its decider, in its own transaction (one stuck
item never holds the others back); for a case the answer is a reminder event. Safe to run twice: the
deciders answer nothing for what is already marked."""
from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

import asyncpg

from chassis.clock import beijing_date, beijing_week, weeks_before
from chassis.errors import VersionConflict
from chassis.scheduler import Job

from . import campaign_tables, tables
from .campaign_commands import close_window_ended
from .commands import detect_hot_topic, mark_appeal_overdue, mark_case_overdue, mark_governance_overdue
from .deps import Runtime
from .domain.hot_topic import DetectHotTopic, HotTopicRule

log = logging.getLogger(__name__)


DueIds = Callable[[asyncpg.Connection, datetime], Awaitable[list[str]]]
Mark = Callable[[Runtime, str, datetime], Awaitable[int]]


async def _mark_each(rt: Runtime, now: datetime, due: DueIds, mark: Mark, what: str) -> int:
    """`mark` every aggregate `due` finds, each in its own transaction; how many got an event."""
    async with rt.pool.acquire() as conn:
        ids = await due(conn, now)
    marked = 0
    for aggregate_id in ids:
        try:
            marked += await mark(rt, aggregate_id, now)
        except VersionConflict:  # someone handled it meanwhile; the next run looks again
            log.info("changed while marking overdue", extra={"aggregate": what, "id": aggregate_id})
    return marked


async def mark_overdue(rt: Runtime, now: datetime) -> int:
    """Mark every appeal whose deadline passed before `now`; how many appeals got an event."""
    return await _mark_each(rt, now, tables.overdue_appeals, mark_appeal_overdue, "appeal")


async def remind_overdue_cases(rt: Runtime, now: datetime) -> int:
    """Record a reminder on every case whose first response or resolution is due before `now`; how many."""
    return await _mark_each(rt, now, tables.overdue_cases, mark_case_overdue, "case")


async def remind_overdue_governance(rt: Runtime, now: datetime) -> int:
    """Mark every governance item past the end of its due day and not done; how many."""
    return await _mark_each(rt, now, tables.overdue_governance, mark_governance_overdue, "governance")


async def close_ended_campaigns(rt: Runtime, now: datetime) -> int:
    """Close every media campaign whose entry window ended before today (Beijing); how many."""
    return await _mark_each(rt, now, lambda conn, at: campaign_tables.window_ended(conn, beijing_date(at)),
                            close_window_ended, "campaign")


def hot_topic_rule(rt: Runtime) -> HotTopicRule:
    s = rt.settings
    return HotTopicRule(factor=s.hot_topic_factor, min_count=s.hot_topic_min_count,
                        lookback_weeks=s.hot_topic_lookback_weeks)


async def detect_hot_topics(rt: Runtime, now: datetime, rule: HotTopicRule | None = None) -> int:
    """Look at this Beijing week and the one before (an appeal may be categorised late) for categories well
    above their own recent weeks in a district; record each once (the decider answers nothing the second
    time, and of two concurrent runs one loses the append). How many were recorded now."""
    rule = rule or hot_topic_rule(rt)
    this_week = beijing_week(now)
    recorded = 0
    for week in (this_week, *weeks_before(this_week, 1)):
        async with rt.pool.acquire() as conn:
            candidates = await tables.week_counts(conn, week, rule.min_count)
            checks = [(r, await tables.counts_in(conn, r["category"], r["district"],
                                                 weeks_before(week, rule.lookback_weeks))) for r in candidates]
        for r, previous in checks:
            try:
                recorded += await detect_hot_topic(rt, DetectHotTopic(
                    category=r["category"], district=r["district"], week=week, count=r["count"], previous=previous,
                    rule=rule, at=now))
            except VersionConflict:  # another run recorded it meanwhile
                log.info("hot topic recorded concurrently", extra={"week": week})
    return recorded


def jobs(rt: Runtime) -> list[Job]:
    # The clock is read at each run, so a test that moves rt.deps.clock moves the marking with it.
    return [Job("appeals.mark_overdue", rt.deps.config.overdue_scan_seconds,
                lambda: mark_overdue(rt, rt.deps.clock.now())),
            Job("cases.remind_overdue", rt.deps.config.overdue_scan_seconds,
                lambda: remind_overdue_cases(rt, rt.deps.clock.now())),
            Job("governance.mark_overdue", rt.settings.hot_topic_scan_seconds,
                lambda: remind_overdue_governance(rt, rt.deps.clock.now())),
            Job("appeals.hot_topics", rt.settings.hot_topic_scan_seconds,
                lambda: detect_hot_topics(rt, rt.deps.clock.now())),
            Job("campaigns.close_ended", rt.settings.hot_topic_scan_seconds,
                lambda: close_ended_campaigns(rt, rt.deps.clock.now()))]
