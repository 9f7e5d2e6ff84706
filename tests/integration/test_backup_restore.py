"""Issue 22's drill on a real stack: a PostgreSQL cluster of this test's own (WAL archived into a backup
repository beside its data directory), the session's Kafka, the registry and the gateway in-process.

Register, back up, register and erase more (one erased person was in the backup), destroy the data
directory, restore to latest: every registration is back and the erased people stay erased in the
event store, the key store, the topic and the gateway's read model. Then restore to a time before the
second batch: those registrations are gone everywhere, and the erasure of the person from the backup
still holds (the erasure ledger, kept beside the backups, is applied again), and so does the withdrawal of a
consent to share with an agency."""
from __future__ import annotations

import asyncio
import shutil
import socket
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest

from chassis.clock import utc_now
from gateway.app import create_app as create_gateway
from gateway.clients import ServiceClient
from services.registry.app import create_app as create_registry
from tests.registry_support import DASHBOARD, YOUTH, data, gql, person
from tests.support import bearer, eventually, keys_left, raw_records, running
from xinqing.backups.background import take_backup
from xinqing.backups.repository import Repository
from xinqing.backups.restore import finish, lay_down, marker
from xinqing.launcher.postgres import PostgresServer

pytestmark = pytest.mark.integration
HRSS = "SHARE_WITH_AGENCY:HRSS"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def drill(settings):
    """Settings of a stack with its own cluster and data directory; the session's keys copied in."""
    root = Path(tempfile.mkdtemp(prefix="xinqing-test-drill-"))
    root.chmod(0o755)  # the PostgreSQL OS user enters it (as conftest's data directory)
    mine = settings.model_copy(update={"data_dir": root / "data", "pg_port": free_port(), "backup_every_hours": 24,
                                       "backup_archive_timeout": 1})
    shutil.copytree(settings.keys_dir, mine.keys_dir)
    yield mine
    shutil.rmtree(root, ignore_errors=True)


class Cluster:
    def __init__(self, settings):
        self.server = PostgresServer(settings, settings.data_dir / "pg")
        self.proc = None

    def start(self) -> None:
        self.server.prepare()
        self.proc = self.server.process()
        self.proc.start(lambda name, line: None)
        self.server.wait_ready(self.proc)

    def stop(self) -> None:
        if self.proc:
            self.proc.stop()
            self.proc = None


@asynccontextmanager
async def stack(settings):
    async with running(create_registry(settings)) as registry, running(create_gateway(settings)) as gateway:
        gateway.app.state.runtime.deps.clients["registry"] = ServiceClient(
            "registry", "http://registry", transport=httpx.ASGITransport(app=registry.app))
        yield registry, gateway


async def archived(settings) -> None:
    """Everything committed so far is in the archive (a lost disk loses nothing of it)."""
    conn = await asyncpg.connect(settings.database_url("postgres"))
    try:
        segment = await conn.fetchval("SELECT pg_walfile_name(pg_switch_wal())")
        await eventually(lambda: _archived_at_least(conn, segment), timeout=60)
    finally:
        await conn.close()


async def _archived_at_least(conn, segment: str) -> bool:
    last = await conn.fetchval("SELECT last_archived_wal FROM pg_stat_archiver")
    return last is not None and last[:24] >= segment


async def restore_to(settings, cluster: Cluster, target) -> None:
    cluster.stop()
    backup = Repository(settings).choose(target)
    lay_down(settings, cluster.server.data_dir, backup, target, cluster.server.os_user)
    assert marker(settings).exists()
    await asyncio.to_thread(cluster.start)  # its readiness check runs a loop of its own
    await finish(settings)
    assert not marker(settings).exists()


async def test_restores_every_registration_and_never_an_erased_person(drill, token):
    op, admin = bearer(token("registry_operator")), token("admin")
    cluster = Cluster(drill)
    await asyncio.to_thread(cluster.start)
    try:
        async with stack(drill) as (registry, gateway):
            async def register(name: str) -> str:
                return (await registry.post("/youth", json=person(name=name), headers=op)).json()["id"]

            kept, erased_later = await register("备份前甲"), await register("备份前乙")
            given = await registry.post(f"/youth/{kept}/consents", json={"purpose": HRSS}, headers=op)
            assert given.status_code == 200, given.text
            print(take_backup(drill))
            await asyncio.sleep(1.5)
            before_second = utc_now()
            await asyncio.sleep(1.5)
            second, erased_new = await register("备份后丙"), await register("备份后丁")
            withdrawn = await registry.post(f"/youth/{kept}/consents/withdraw", json={"purpose": HRSS}, headers=op)
            assert withdrawn.status_code == 200, withdrawn.text  # sharing withdrawn after the backup: stays so
            for gone in (erased_later, erased_new):
                assert (await registry.post(f"/youth/{gone}/erase", headers=op)).status_code == 200
            await archived(drill)
        cluster.stop()
        shutil.rmtree(drill.data_dir)  # the disk is lost: cluster, Kafka log and development keys

        await restore_to(drill, cluster, None)
        await expect(drill, op, admin, present={kept: "备份前甲", second: "备份后丙"},
                     erased=[erased_later, erased_new], absent=[])

        await restore_to(drill, cluster, before_second)
        await expect(drill, op, admin, present={kept: "备份前甲"}, erased=[erased_later],
                     absent=[second, erased_new])
    finally:
        cluster.stop()


async def expect(settings, op, admin, *, present: dict[str, str], erased: list[str], absent: list[str]) -> None:
    async with stack(settings) as (registry, gateway):
        for youth_id, name in present.items():
            read = (await registry.get(f"/youth/{youth_id}", headers=op)).json()
            assert read["name"] == name and HRSS not in {c["purpose"] for c in read["consents"]}, read
        for youth_id in absent:
            assert (await registry.get(f"/youth/{youth_id}", headers=op)).status_code == 404
        for youth_id in erased:  # the store, the key store
            read = (await registry.get(f"/youth/{youth_id}", headers=op)).json()
            assert read["status"] == "ERASED" and "name" not in read, read
        assert await keys_left(settings, [f"youth-{y}" for y in erased]) == 0

        async def replayed() -> bool:  # the read model, rebuilt from the republished topic
            total = data(await gql(gateway, DASHBOARD, {}, token=admin))["dashboard"]["youth"]["total"]
            return total == len(present)
        await eventually(replayed, timeout=90)
        for youth_id in erased:
            seen = data(await gql(gateway, YOUTH, {"id": youth_id}, token=admin))["youth"]
            assert seen["status"] == "ERASED" and seen["name"] is None

        # the topic: every stream on it is a stream of the restored store, each erased one ends erased
        records = await raw_records(settings, settings.topic("xq.registry.youth"), expect=10**9,
                                    timeout=5)
        subjects = {(r.key or b"").decode() for r in records}
        assert {f"youth-{y}" for y in absent}.isdisjoint(subjects)
        for youth_id in erased:
            types = [dict(r.headers).get("ce_type", b"").decode() for r in records
                     if (r.key or b"").decode() == f"youth-{youth_id}"]
            assert types and types[-1].endswith("erased.v1"), types
