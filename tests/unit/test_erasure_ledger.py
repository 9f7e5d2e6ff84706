"""The erasure ledger (chassis/erasure_ledger.py) and the backup repository's choice of a base backup."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from chassis.erasure_ledger import ERASED, SHARING_WITHDRAWN, ErasureLedger
from chassis.settings import Settings
from xinqing.backups.repository import Repository, parse_target


def test_entries_come_back_in_order_with_ids_purposes_and_times_only(tmp_path):
    ledger = ErasureLedger(tmp_path / "ledger" / "erasure-ledger.jsonl")
    ledger.record_now(ERASED, ["a", "b"])
    ledger.record_now(SHARING_WITHDRAWN, ["c"], "SHARE_WITH_AGENCY:hrss")
    entries = ledger.entries()
    assert [(e.kind, e.youth_id, e.purpose) for e in entries] == [
        (ERASED, "a", None), (ERASED, "b", None), (SHARING_WITHDRAWN, "c", "SHARE_WITH_AGENCY:hrss")]
    assert all(set(json.loads(line)) == {"at", "kind", "youth_id", "purpose"}
               for line in ledger.path.read_text().splitlines())
    assert ledger.path.stat().st_mode & 0o777 == 0o600


def test_a_line_torn_by_a_crash_is_passed_over(tmp_path):
    ledger = ErasureLedger(tmp_path / "erasure-ledger.jsonl")
    ledger.record_now(ERASED, ["a"])
    with ledger.path.open("a") as f:
        f.write('{"at": "2026-12-02T')  # the write a crash cut short (its transaction never committed)
    assert [e.youth_id for e in ledger.entries()] == ["a"]


def test_the_ledger_and_the_backups_live_beside_the_data_directory_never_in_it(tmp_path):
    settings = Settings(data_dir=tmp_path / "data")
    assert settings.backups == tmp_path / "data-backups" and settings.ledger.parent == settings.backups


def test_restore_chooses_the_newest_backup_finished_before_the_target(tmp_path):
    repo = Repository(Settings(data_dir=tmp_path / "data"))
    t0 = datetime(2026, 12, 1, 10, tzinfo=UTC)
    for i in range(3):
        meta = repo.base / f"b{i}" / "backup.json"
        meta.parent.mkdir(parents=True)
        meta.write_text(json.dumps({"started": (t0 + timedelta(hours=i)).isoformat(),
                                    "finished": (t0 + timedelta(hours=i, minutes=5)).isoformat(),
                                    "start_wal": f"00000001000000000000000{i}", "size": 1}))
    assert repo.choose(None).stamp == "b2"
    assert repo.choose(t0 + timedelta(hours=1, minutes=30)).stamp == "b1"
    with pytest.raises(RuntimeError, match="no base backup"):
        repo.choose(t0)


def test_a_target_is_latest_or_an_iso_time_in_utc_unless_it_says_otherwise():
    assert parse_target("latest") is None
    assert parse_target("2026-12-02T10:00:00") == datetime(2026, 12, 2, 10, tzinfo=UTC)
    assert parse_target("2026-12-02T18:00:00+08:00") == datetime(2026, 12, 2, 10, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_target("yesterday")


async def test_a_ledger_that_cannot_be_written_refuses_with_unavailable(tmp_path):
    from chassis.errors import Unavailable

    (tmp_path / "ledger").write_text("a file where the directory should be")
    with pytest.raises(Unavailable):
        await ErasureLedger(tmp_path / "ledger" / "erasure-ledger.jsonl").record(ERASED, ["a"])


def test_the_ledger_keeps_the_consents_whose_withdrawal_stops_an_agency_sharing():
    from chassis.erasure_ledger import shares

    assert shares("SHARE_WITH_AGENCY:HRSS") and shares("REGISTRATION")  # withdrawn: the record is deactivated
    assert not shares("SERVICE_RECORDS")


def test_a_restore_brings_back_each_development_key_the_lost_disk_took_and_keeps_those_made_since(tmp_path):
    from xinqing.backups.restore import restore_keys

    kept, keys = tmp_path / "backup" / "keys", tmp_path / "data" / "keys"
    (kept / "kafka").mkdir(parents=True)
    (kept / "master.key").write_text("old master")
    (kept / "kafka" / "broker").write_text("old password")
    (keys / "kafka").mkdir(parents=True)  # the new local Kafka's credentials, made before the restore
    (keys / "kafka" / "broker").write_text("new password")
    restore_keys(kept, keys)
    assert (keys / "master.key").read_text() == "old master"
    assert (keys / "kafka" / "broker").read_text() == "new password"
