"""Running a command against a stream: load, fold, guard, decide, append with the expected version."""
from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import asyncpg

from .codec import Sealer
from .db import Connection, unavailable_as_503
from .decider import Decider, State
from .envelope import Envelope
from .errors import VersionConflict
from .eventstore import Companion, EventStore, Stream

S = TypeVar("S", bound=State)


@asynccontextmanager
async def transaction(pool: asyncpg.Pool) -> AsyncIterator[Connection]:
    """A connection in a transaction; a database that is down becomes a 503."""
    async with unavailable_as_503(pool) as conn, conn.transaction():
        yield conn


@dataclass(frozen=True)
class Outcome(Generic[S]):
    """What running a command did: the stored envelopes and the state before and after them."""

    stream_id: str
    envelopes: list[Envelope]
    before: S
    state: S
    version: int  # the stream's version after the command


async def run(conn: Connection, store: EventStore, decider: Decider[Any, S, Any], stream_id: str, command: Any,
              *, expected_version: int | None = None, guard: Callable[[S], None] | None = None,
              correlation_id: str | None = None, race_retries: int = 0, new_stream: bool = False,
              sealer: Sealer | None = None,
              companions: Callable[[S, S], Awaitable[list[Companion]]] | None = None,
              strict: bool = False) -> Outcome[S]:
    """Decide `command` on the current state of `stream_id` and append the result (caller holds the
    transaction). `guard(state)` runs before deciding: the place for "does it exist" and "may this
    caller touch it" checks that need the current state (it raises to refuse).

    `expected_version` is the version the caller last saw; a mismatch is a conflict even before
    deciding, so a stale form never overwrites a newer change. Without it the caller asked "on
    whatever is current", so a conflict is only a race with another writer (e.g. a scheduled process):
    with `race_retries`, decide again on the fresh state (read committed: the next load sees the
    winner's events) instead of failing the person.

    `new_stream`: the caller has just made the id (a fresh UUID), so there is nothing to load; should
    the stream exist after all, the append's version check refuses it. `sealer`: see EventStore.append.

    `companions(before, after)`: the writes that keep the service's own tables in step with the decided
    state, sent in the append's statement (EventStore.append, Companion): one round trip for all of it.
    A conflict then propagates (no race retry: a companion's write is only undone by the rollback).
    `strict`: the append is a statement of its own, outside a transaction (EventStore.append)."""
    while True:
        stream = Stream(stream_id, 0, []) if new_stream else await store.load(conn, stream_id)
        before = decider.fold(stream.events)
        if guard is not None:
            guard(before)
        if expected_version is not None and expected_version != stream.version:
            raise VersionConflict(stream_id, expected_version, stream.version)
        events = decider.decide(command, before)
        state = before
        for event in events:
            state = decider.evolve(state, event)
        alongside = await companions(before, state) if companions is not None else None
        try:
            envelopes = await store.append(conn, stream_id, stream.version, events, correlation_id=correlation_id,
                                           sealer=sealer, companions=alongside, strict=strict)
        except VersionConflict:
            if expected_version is not None or race_retries <= 0 or alongside:
                raise
            race_retries -= 1
            new_stream = False  # it exists after all: decide on what is there
            continue
        return Outcome(stream_id, envelopes, before, state, stream.version + len(events))


async def execute(conn: Connection, store: EventStore, decider: Decider[Any, Any, Any], stream_id: str, command: Any,
                  **options: Any) -> list[Envelope]:
    """`run`, when only the stored envelopes matter."""
    return (await run(conn, store, decider, stream_id, command, **options)).envelopes


def answered(outcome: Outcome[Any], entity_id: str) -> dict[str, Any]:
    """`accepted`, also for a command that decided nothing (an idempotent repeat): then the stream's current
    version and its read position, which a projection that has seen the stream's last event has reached."""
    if outcome.envelopes:
        return accepted(outcome.envelopes, entity_id)
    return {"id": entity_id, "version": outcome.version, "position": f"{outcome.stream_id}@{outcome.version}"}


def accepted(envelopes: list[Envelope], entity_id: str) -> dict[str, Any]:
    """The body every command answers with: the id, the stream version and the read position."""
    last = envelopes[-1]
    return {"id": entity_id, "version": last.stream_version, "position": last.position}
