"""A projection's `apply` as a table from event type to handler (`Dispatch`), and `statement`, the handler
that runs one SQL statement: how every projection of every service says what an event does to its read
model. The runner that feeds them is chassis/projection.py."""
from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable, Collection, Mapping
from types import MappingProxyType
from typing import Any, TypeAlias

from .db import Connection
from .envelope import Envelope

Handler = Callable[[Connection, Envelope], Awaitable[None]]
BatchHandler = Callable[[Connection, list[Envelope]], Awaitable[None]]


class Dispatch:
    """A projection's `apply` as a table from event type to handler, the one dispatch every projection
    uses. Types not in the table are passed over: a topic carries more than one read model needs. The
    table's keys are checked against the producers' contract when the service starts, so a misspelled
    type stops the start instead of being dropped in silence.

    `batch_handlers` (optional) take a run of consecutive events of their type at once, set-based: a
    counter summed per key in one statement instead of one upsert per event. A projection that has them
    offers `apply_batch = Dispatch.apply_runs`; each batch handler must leave the read model exactly as its
    type's handler applied to each event in order would."""

    handlers: Mapping[str, Handler]
    batch_handlers: Mapping[str, BatchHandler] = MappingProxyType({})

    @property
    def handles(self) -> Collection[str]:
        return self.handlers.keys()

    async def apply(self, conn: Connection, event: Envelope) -> None:
        handler = self.handlers.get(event.type)
        if handler is not None:
            await handler(conn, event)

    async def apply_runs(self, conn: Connection, events: list[Envelope]) -> None:
        """The batch in order: each run of consecutive events of a type with a batch handler goes to it at
        once, every other event to `apply`. Runs never cross another type's event, so two events that touch
        one row keep their order."""
        run: list[Envelope] = []
        for event in events:
            if run and event.type != run[0].type:
                await self.batch_handlers[run[0].type](conn, run)
                run = []
            if event.type in self.batch_handlers:
                run.append(event)
            else:
                await self.apply(conn, event)
        if run:
            await self.batch_handlers[run[0].type](conn, run)


# A statement's parameter: a field of the event's data by name, or a function of the data (a value the
# column wants converted, e.g. ISO text to a date).
Parameter: TypeAlias = str | Callable[[dict[str, Any]], object]


def statement(sql: str, *parameters: Parameter) -> Handler:
    """A handler that runs one SQL statement with `parameters` as $1, $2, …: most effects of an event on a
    read model are one insert or update."""
    values = [p if callable(p) else operator.itemgetter(p) for p in parameters]

    async def run(conn: Connection, event: Envelope) -> None:
        await conn.execute(sql, *(value(event.data) for value in values))
    return run
