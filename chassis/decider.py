"""The decider pattern: pure functions that hold every business rule of an aggregate.

    decide(command, state) -> list[event]    raises a chassis.errors.AppError when refused
    evolve(state, event)   -> state

The chassis (chassis.commands) loads a stream, folds `evolve`, calls `decide` and appends with the
expected version. Tests drive deciders Given events / When command / Then events, with no IO.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

C = TypeVar("C")
S = TypeVar("S")
E = TypeVar("E")


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

