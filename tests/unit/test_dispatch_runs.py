"""`Dispatch.apply_runs`: runs of consecutive events of a type with a batch handler go to it at once, every
other event to its own handler, in the batch's order (chassis/projection.py)."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from chassis.dispatch import Dispatch
from chassis.envelope import Envelope


def ev(kind: str, n: int) -> Envelope:
    return Envelope(id=uuid.uuid4(), type=kind, source="/t", subject=f"s-{n}", stream_version=1,
                    time=datetime.now(UTC), data={"n": n})


class Recorder(Dispatch):
    def __init__(self) -> None:
        self.calls: list[tuple[str, list[int]]] = []

        async def one(conn, e: Envelope) -> None:
            self.calls.append((e.type, [e.data["n"]]))

        async def run(conn, events: list[Envelope]) -> None:
            self.calls.append((f"{events[0].type}*", [e.data["n"] for e in events]))

        self.handlers = {"a": one, "b": one, "c": one}
        self.batch_handlers = {"a": run, "c": run}


async def test_runs_of_a_type_go_together_and_never_cross_another_event():
    r = Recorder()
    kinds = ["a", "a", "b", "a", "c", "c", "x", "a"]  # "x": no handler, passed over
    await r.apply_runs(None, [ev(k, i) for i, k in enumerate(kinds)])
    assert r.calls == [("a*", [0, 1]), ("b", [2]), ("a*", [3]), ("c*", [4, 5]), ("a*", [7])]


async def test_a_batch_of_types_without_batch_handlers_is_applied_one_by_one():
    r = Recorder()
    await r.apply_runs(None, [ev("b", 0), ev("b", 1)])
    assert r.calls == [("b", [0]), ("b", [1])]
