"""A young person's rating of the service they received at a station on a day (1–5, an optional comment).

One stream per person, station and day (`rating-<station>-<youth>-<day>`), so "one rating per station and
day" is the stream's own rule. The comment is the person's own words: it stays in the service's own table
(like an appeal's description), the event carries the score only.
"""
from __future__ import annotations

from datetime import date, timedelta

from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from contracts.stations import ServiceEvents

SCORE_MIN, SCORE_MAX = 1, 5
COMMENT_MAX = 200
RATING_WINDOW = timedelta(days=30)  # a visit is rated while it is remembered


def stream_id(station_id: str, youth_id: str, on: date) -> str:
    return f"rating-{station_id}-{youth_id}-{on.isoformat()}"


class RateService(Command):
    station_id: str
    station_exists: bool
    youth_id: str
    on: date
    score: int
    comment: str | None
    today: date


@event(ServiceEvents.RATED)
class ServiceRated(Event):
    station_id: str
    youth_id: str
    rated_on: date
    score: int


class RatingState(State):
    rated: bool = False


def validate(command: RateService) -> None:
    errors = Collector()
    if not SCORE_MIN <= command.score <= SCORE_MAX:
        errors.add("score", f"评分应为 {SCORE_MIN}–{SCORE_MAX} 分", "range")
    if command.comment is not None and len(command.comment.strip()) > COMMENT_MAX:
        errors.add("comment", f"评价不能超过 {COMMENT_MAX} 个字符", "too_long")
    if command.on > command.today:
        errors.add("on", "不能评价未来的日期", "future")
    elif command.on < command.today - RATING_WINDOW:
        errors.add("on", f"只能评价 {RATING_WINDOW.days} 天内接受的服务", "too_old")
    errors.raise_if_any()


def decide(command: RateService, state: RatingState) -> list[ServiceRated]:
    validate(command)
    if not command.station_exists:
        raise RuleViolated("站点不存在。", rule="not_found")
    if state.rated:
        raise RuleViolated("您已评价过该站点当天的服务（每个站点每天一次）。", rule="already_rated")
    return [ServiceRated(station_id=command.station_id, youth_id=command.youth_id, rated_on=command.on,
                         score=command.score)]


def evolve(state: RatingState, event: ServiceRated) -> RatingState:
    return RatingState(rated=True)


rating = Decider(initial=RatingState, decide=decide, evolve=evolve)
EVENTS = (ServiceRated,)
