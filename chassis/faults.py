"""Failpoints: a process SIGKILLs itself at one named, dangerous point (fault-injection tests only).

`XQ_FAULT_POINT=<name>` in a process's environment makes the first pass through `fault_point(name)`
kill the process at once (SIGKILL: no shutdown hook, no `finally`, like a power cut or the OOM killer).
Unset — always, outside tests/faults — it is one dictionary lookup done at import. The points, each
between two writes that cannot be made atomic:

- `relay.after_send`: Kafka acknowledged a batch, its outbox rows are not deleted yet (chassis/relay.py)
- `command.before_answer`: a command's transaction committed, the HTTP answer is not sent yet
  (chassis/telemetry.py, around every state-changing request answered 2xx)
- `projection.after_commit`: a consumer's database transaction (effects + checkpoint) committed, the
  Kafka offsets are not committed yet (chassis/projection.py)

The same idea as FoundationDB's buggify or the failpoints of TiKV/etcd; docs/HARDENING.md lists what
each one proved.
"""
from __future__ import annotations

import os
import signal
import sys

ARMED = os.environ.get("XQ_FAULT_POINT", "")


def fault_point(name: str) -> None:
    if ARMED == name:
        print(f"fault point {name}: SIGKILL", file=sys.stderr, flush=True)
        os.kill(os.getpid(), signal.SIGKILL)
