"""Hot topics (集中诉求): a category of 12345 appeals in one district and Beijing week, well above that
category's own recent weeks in the district.

Counted per category × district × week (the district's station staff are the ones who can act on it, and
a governance item is assigned from there); detected at most once per category, district and week: the
stream is keyed by the three, and a detected topic answers nothing to a second detection (reruns, two
job instances at once: the loser of the append race is refused by the stream's version).

The rule (`is_hot`): this week's count ≥ `min_count` and ≥ `factor` × the mean of the `lookback_weeks`
weeks before it (weeks without appeals count 0). Defaults and settings: chassis/settings.py
(XQ_HOT_TOPIC_*), documented in docs/CONFIGURATION.md.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from chassis.decider import Command, Decider, State
from chassis.errors import RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from contracts.stations import HotTopicEvents

HOT_TOPIC_NAMESPACE = uuid.UUID("7d0c8a52-3e4b-4f6a-9d1c-2b5e8f0a4c61")


@dataclass(frozen=True)
class HotTopicRule:
    factor: float = 2.0       # this week ≥ factor × the recent weeks' mean
    min_count: int = 5        # and at least this many appeals (a rise from 1 to 3 is no hot topic)
    lookback_weeks: int = 4   # the recent weeks the mean is taken over


def hot_topic_id(category: str, district: str, week: str) -> str:
    return str(uuid.uuid5(HOT_TOPIC_NAMESPACE, f"{category}/{district}/{week}"))


def baseline(previous: list[int], rule: HotTopicRule) -> float:
    """The mean over the look-back weeks; a week missing from `previous` counts 0."""
    weeks = rule.lookback_weeks
    return sum(previous[:weeks]) / weeks if weeks else 0.0


def is_hot(count: int, previous: list[int], rule: HotTopicRule) -> bool:
    return count >= rule.min_count and count >= rule.factor * baseline(previous, rule)


class DetectHotTopic(Command):
    category: str
    district: str
    week: str             # YYYY-Www, Beijing (chassis.clock.beijing_week)
    count: int            # appeals of the category in the district this week
    previous: list[int]   # the same for the weeks before, nearest first
    rule: HotTopicRule
    at: datetime


@event(HotTopicEvents.DETECTED)
class HotTopicDetected(Event):
    hot_topic_id: str
    category: str
    district: str
    week: str
    count: int
    baseline: float  # the look-back mean it was compared with
    detected_at: datetime


class HotTopicState(State):
    exists: bool = False
    hot_topic_id: str = ""
    category: str = ""
    district: str | None = None
    week: str = ""


def decide(command: DetectHotTopic, state: HotTopicState) -> list[HotTopicDetected]:
    if state.exists or not is_hot(command.count, command.previous, command.rule):
        return []  # already recorded this week, or not (yet) hot: nothing to say; the job asks again
    if command.at.tzinfo is None:
        raise RuleViolated("检测时间须带时区。", rule="timezone")
    return [HotTopicDetected(
        hot_topic_id=hot_topic_id(command.category, command.district, command.week), category=command.category,
        district=command.district, week=command.week, count=command.count,
        baseline=round(baseline(command.previous, command.rule), 2), detected_at=command.at)]


def evolve(state: HotTopicState, event: HotTopicDetected) -> HotTopicState:
    return HotTopicState(exists=True, hot_topic_id=event.hot_topic_id, category=event.category,
                         district=event.district, week=event.week)


hot_topic: Decider[DetectHotTopic, HotTopicState, HotTopicDetected] = Decider(
    initial=HotTopicState, decide=decide, evolve=evolve)
EVENTS = (HotTopicDetected,)
stream_id = stream_naming("hottopic")
