"""The decider pattern: pure functions that hold every business rule of an aggregate.

    decide(command, state) -> list[event]    raises a chassis.errors.AppError when refused
    evolve(state, event)   -> state

The chassis (chassis.commands) loads a stream, folds `evolve`, calls `decide` and appends with the
expected version. Tests drive deciders Given events / When command / Then events, with no IO.

What a decider takes and keeps is declared by deriving, as an event derives from `Event` (chassis/event.py):

    class Reject(Command):          class ProposalState(State):
        branch_id: str                  exists: bool = False
        reason: RejectReason            status: ProposalStatus = ProposalStatus.SUBMITTED
        today: date                     ...

Both make the class a frozen dataclass: a command is a request that is not changed on its way, a state is
a value `evolve` replaces, never edits. A class that both a command and its event are built from (the facts
a creating command asks for and its event records) stays a plain `@dataclass(frozen=True)`, and the
command derives from it and from `Command`.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from typing_extensions import dataclass_transform  # frozen_default: typing's own has it from Python 3.12

from .event import Event


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field, dataclasses.Field))
class _Frozen:
    """Every subclass becomes a frozen dataclass of its own annotated fields (and its bases'); `kw_only=True`
    in the class statement makes its own fields keyword-only, as `@dataclass(kw_only=True)` would."""

    def __init_subclass__(cls, *, kw_only: bool = False, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        dataclasses.dataclass(frozen=True, kw_only=kw_only)(cls)


class Command(_Frozen):
    """What an aggregate is asked to do: its fields are everything `decide` needs besides the state (the
    day or instant too, from the service's clock, so that the decider stays pure)."""


class State(_Frozen):
    """What `evolve` folds an aggregate's events into: the defaults are the state before its first event."""


C = TypeVar("C", bound=Command)
S = TypeVar("S", bound=State)
E = TypeVar("E", bound=Event)


@dataclass(frozen=True)
class Decider(Generic[C, S, E]):
    initial: Callable[[], S]
    decide: Callable[[C, S], list[E]]
    evolve: Callable[[S, E], S]

    def fold(self, events: Iterable[E]) -> S:
        state = self.initial()
        for event in events:
            state = self.evolve(state, event)
        return state

    def run(self, given: Iterable[E], command: C) -> list[E]:
        """Given/When/Then in one call: the events `command` would produce after `given`."""
        return self.decide(command, self.fold(given))
