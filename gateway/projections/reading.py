"""A gateway projection declared in its class statement: its name, the contracts' topics it reads, the
stream prefixes read-your-writes waits on and the tables a rebuild empties — e.g.
`class CasesProjection(Reading, name="gateway.cases", reads=(CASE,), streams=("case-",), tables=("cs_cases",))`.
The namespace's topic names come from the settings when the projection is made."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from chassis.dispatch import Dispatch
from chassis.settings import Settings
from contracts.topic import Topic


class Reading(Dispatch):
    name: str
    reads: tuple[Topic, ...]
    stream_prefixes: Sequence[str]
    tables: Sequence[str]

    def __init_subclass__(cls, *, name: str, reads: tuple[Topic, ...], streams: Sequence[str],
                          tables: Sequence[str], **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls.name, cls.reads, cls.stream_prefixes, cls.tables = name, reads, streams, tables

    def __init__(self, settings: Settings):
        self.topics = tuple(settings.topic(t.name) for t in self.reads)
