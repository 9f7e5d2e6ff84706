"""chassis/faults.py: an armed process dies by SIGKILL at its point and only there; unarmed, nothing happens."""
from __future__ import annotations

import os
import signal
import subprocess
import sys

SCRIPT = """
from chassis.faults import fault_point
fault_point("relay.after_send")
print("past relay.after_send", flush=True)
fault_point("projection.after_commit")
print("past projection.after_commit", flush=True)
"""


def run(armed: str | None) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "XQ_FAULT_POINT"}
    if armed:
        env["XQ_FAULT_POINT"] = armed
    return subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=30)


def test_an_armed_process_is_killed_at_its_point_and_not_before():
    done = run("projection.after_commit")
    assert done.returncode == -signal.SIGKILL
    assert done.stdout == "past relay.after_send\n"
    assert "fault point projection.after_commit: SIGKILL" in done.stderr


def test_unarmed_every_point_is_passed():
    done = run(None)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "past relay.after_send\npast projection.after_commit\n"
