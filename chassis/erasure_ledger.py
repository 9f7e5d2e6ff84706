"""The erasure ledger: which people were erased, and which withdrew (or gave again) consent to share with an
agency, and when — ids, purposes and times only — kept outside the databases a backup restores.

A restore brings back the stores as they were at the recovery point, key stores included, so a person
erased after it would be readable again. `xinqing restore` reads this ledger and applies again every
entry the restored stores do not show (xinqing/reapply.py). It lives apart from the data directory
(XQ_ERASURE_LEDGER, by default beside the backups), so losing the data directory does not lose it.

One JSON line per entry, appended with O_APPEND and fsync'd before the registry's transaction commits:
an entry whose transaction then rolled back is applied on a restore anyway, which is what the person
asked for; an erasure never commits without its entry.
"""
from __future__ import annotations

import asyncio
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import orjson

from contracts.registry import REGISTRATION, SHARE_PREFIX

from .clock import utc_now
from .errors import Unavailable

log = logging.getLogger(__name__)

ERASED, SHARING_WITHDRAWN, SHARING_GIVEN = "erased", "sharing-withdrawn", "sharing-given"


def shares(purpose: str) -> bool:
    """The consents whose withdrawal stops sharing with an agency, kept in the ledger: the agency's own
    (SHARE_WITH_AGENCY:<agency>) and the registration (withdrawn, the record is deactivated: no agency gets it)."""
    return purpose.startswith(SHARE_PREFIX) or purpose == REGISTRATION


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str  # ERASED | SHARING_WITHDRAWN | SHARING_GIVEN
    youth_id: str
    purpose: str | None = None  # SHARE_WITH_AGENCY:<agency> or REGISTRATION for the sharing kinds


class ErasureLedger:
    def __init__(self, path: Path):
        self.path = path

    async def record(self, kind: str, youth_ids: list[str], purpose: str | None = None) -> None:
        """Before the caller commits. A ledger that cannot be written refuses the erasure (503, retried later):
        an erasure that a restore would forget is not accepted."""
        try:
            await asyncio.to_thread(self.record_now, kind, youth_ids, purpose)
        except OSError as exc:
            log.error("erasure ledger not writable", extra={"path": str(self.path), "error": type(exc).__name__})
            raise Unavailable("服务暂时不可用（删除记录账本无法写入），请稍后重试。") from exc

    def record_now(self, kind: str, youth_ids: list[str], purpose: str | None = None) -> None:
        now = utc_now().isoformat()
        lines = b"".join(orjson.dumps({"at": now, "kind": kind, "youth_id": y, "purpose": purpose}) + b"\n"
                         for y in youth_ids)
        if not lines:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, lines)
            os.fsync(fd)
        finally:
            os.close(fd)

    def entries(self) -> list[Entry]:
        if not self.path.exists():
            return []
        out = []
        for line in self.path.read_bytes().splitlines():
            try:
                raw = orjson.loads(line)
            except orjson.JSONDecodeError:
                continue  # a line torn by a crash before its fsync: its transaction never committed
            else:
                out.append(Entry(datetime.fromisoformat(raw["at"]), raw["kind"], raw["youth_id"], raw.get("purpose")))
        return out
