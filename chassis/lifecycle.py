"""Building blocks every aggregate's decider shares: how its streams are named, the commands of its
life cycle that carry nothing but the day (a scheduled job's, an erasure), the guards at the top of `decide`,
and the life cycle's transitions as a table for `evolve`.

Pure (no IO), like the deciders that use it (chassis/decider.py).
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import date
from typing import Any, TypeVar

from .decider import Command, State
from .errors import RuleViolated
from .event import Event

S = TypeVar("S", bound=State)


def stream_naming(prefix: str) -> Callable[[str], str]:
    """The stream id of one aggregate instance, `<prefix>-<key>` (e.g. `branch-<uuid>`); the prefix is
    stored in every event row, so it never changes once data exists. An aggregate module declares it at
    its end, beside its Decider and EventCodec: the three are what the command runner needs of it."""
    def stream_id(key: str) -> str:
        return f"{prefix}-{key}"
    return stream_id


class OnDay(Command):
    """A command whose only fact is the day it is asked on (Beijing's, from the service's clock): a step of
    an aggregate's life cycle that needs nothing else, e.g. the registry's erasure."""
    today: date


class MarkOverdue(OnDay):
    """A scheduled job's: what is still open past its due date goes overdue on `today` (at most once;
    the job runs again and again, so nothing to mark is not an error)."""


def refuse_if(condition: bool, message: str, rule: str) -> None:
    """A guard of `decide`: refuse the command (RuleViolated with `rule`) when `condition` holds, e.g. a
    creating command on a stream that already exists."""
    if condition:
        raise RuleViolated(message, rule=rule)


Steps = Mapping[type[Event], Mapping[str, Any]]
"""An aggregate's life cycle as data: each event type that does no more than move it a step on → the fields
of the state that step sets (e.g. `{Declined: {"status": Status.DECLINED}}`). Events that carry facts the
state keeps stay in `evolve`'s own branches."""


def stepped(state: S, event: Event, steps: Steps) -> S:
    """`evolve` of a life cycle's steps: the state with the fields `steps` names for the event's type set;
    an event not in the table leaves the state as it is."""
    step = steps.get(type(event))
    return replace(state, **step) if step else state
