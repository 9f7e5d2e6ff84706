"""Issue 22's drill on a real stack: a PostgreSQL cluster of this test's own (WAL archived into a backup
repository beside its data directory), the session's Kafka, the registry and the gateway in-process.

Register, back up, register and erase more (one erased person was in the backup), destroy the data
directory, restore to latest: every registration is back and the erased people stay erased in the
event store, the key store, the topic and the gateway's read model. Then restore to a time before the
second batch: those registrations are gone everywhere, and the erasure of the person from the backup
still holds (the erasure ledger, kept beside the backups, is applied again), and so does the withdrawal of a
consent to share with an agency. The partner publisher runs too: an agency reading its topic sees, after the
restore to before the second batch, a withdrawal for each registration shared after that time, the erasure
again for the one shared and erased after it, the withdrawal of the consent withdrawn after it, and nothing
for the person shared before it and left alone; after the restore to latest it sees nothing new."""
from __future__ import annotations

import asyncio
import shutil
import tempfile
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import httpx
import pytest
from rich.console import Console

from chassis.clock import utc_now
from chassis.keys import partner_key
from chassis.pseudonyms import Pseudonymiser
from contracts.partners import PartnerYouthMessages as Partner
from gateway.app import create_app as create_gateway
from gateway.clients import ServiceClient
from services.partners.app import create_app as create_partners
from services.registry.app import create_app as create_registry
from tests.registry_support import DASHBOARD, YOUTH, data, gql, person
from tests.support import bearer, eventually, keys_left, raw_records, running
from xinqing.backups.background import take_backup
from xinqing.backups.commands import recovered as recovered_restore
from xinqing.backups.repository import Repository
from xinqing.backups.restore import finish, lay_down, marker
from xinqing.launcher.ports import free_port
from xinqing.launcher.postgres import PostgresServer

HRSS = "SHARE_WITH_AGENCY:HRSS"


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
    async with running(create_registry(settings)) as registry, running(create_gateway(settings)) as gateway, \
            running(create_partners(settings)):
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


async def restore_to(settings, cluster: Cluster, target, *, recovered: bool = False) -> dict[str, dict[str, int]]:
    """The restore; returns the notices it appended for the agencies' topics. `recovered`: the rest runs as
    `xinqing restore --recovered` does in production once the operator recovered the cluster (the laying
    down and WAL replay here stand in for CloudNativePG's recovery from object storage)."""
    cluster.stop()
    backup = Repository(settings).choose(target)
    lay_down(settings, cluster.server.data_dir, backup, target, cluster.server.os_user)
    assert marker(settings).exists()
    await asyncio.to_thread(cluster.start)  # its readiness check runs a loop of its own
    if recovered:
        marker(settings).unlink()  # CloudNativePG lays nothing down here: the command writes its own marker
        console = Console(record=True, width=200)
        done = await recovered_restore(settings, console)
        said = console.export_text()
        assert f"{len(done.erased)} records erased again" in said, said
        assert all(f"{topic}:" in said for topic, n in done.notices.items() if n), said
    else:
        done = await finish(settings)
    assert not marker(settings).exists()
    return {topic: n for topic, n in done.notices.items() if n}


class Agency:
    """HRSS reading its topic as an agency does: per subject (its pseudonym), the messages in order."""

    def __init__(self, settings):
        self.settings, self.pseudonyms = settings, Pseudonymiser(partner_key(settings))

    def subject(self, youth_id: str) -> str:
        return self.pseudonyms.subject("HRSS", youth_id)

    async def read(self) -> dict[str, list[tuple[int, str, str]]]:
        """subject → [(ce_streamversion, ce_type, ce_id)] in topic order."""
        found: dict[str, list[tuple[int, str, str]]] = {}
        for r in await raw_records(self.settings, self.settings.topic("partner.hrss.youth"), expect=10**9, timeout=4):
            h = {k: v.decode() for k, v in r.headers}
            found.setdefault(r.key.decode(), []).append((int(h["ce_streamversion"]), h["ce_type"], h["ce_id"]))
        return found

    async def until(self, expected: dict[str, list[str]]) -> dict[str, list[tuple[int, str, str]]]:
        """Until each subject's types (distinct ce_id, version order) are at least `expected`'s."""
        seen: dict[str, list[tuple[int, str, str]]] = {}

        async def arrived() -> bool:
            nonlocal seen
            seen = await self.read()
            return all([t for _, t, _ in distinct(seen.get(s, []))][:len(types)] == types
                       for s, types in expected.items())
        await eventually(arrived, timeout=90)
        return seen


def distinct(messages: list[tuple[int, str, str]]) -> list[tuple[int, str, str]]:
    """Once per ce_id (a relay may send one again), in version order."""
    return sorted({m[2]: m for m in messages}.values())


def new_since(before: dict[str, list[tuple[int, str, str]]], after: dict[str, list[tuple[int, str, str]]]
              ) -> dict[str, list[tuple[int, str, str]]]:
    """Per subject, the messages (by ce_id) not on the topic before."""
    old = {m[2] for ms in before.values() for m in ms}
    found = {s: distinct([m for m in ms if m[2] not in old]) for s, ms in after.items()}
    return {s: ms for s, ms in found.items() if ms}


async def test_restores_every_registration_and_never_an_erased_person(drill, token):
    op, admin = bearer(token("registry_operator")), token("admin")
    cluster = Cluster(drill)
    await asyncio.to_thread(cluster.start)
    try:
        async with stack(drill) as (registry, gateway):
            async def register(name: str, **more) -> str:
                made = await registry.post("/youth", json=person(name=name, **more), headers=op)
                assert made.status_code in (200, 201), made.text
                return made.json()["id"]

            kept, erased_later = await register("备份前甲"), await register("备份前乙")
            shared_kept = await register("备份前戊", consents=["REGISTRATION", HRSS])
            deactivated = await register("备份前己", consents=["REGISTRATION", HRSS])
            given = await registry.post(f"/youth/{kept}/consents", json={"purpose": HRSS}, headers=op)
            assert given.status_code == 200, given.text
            agency = Agency(drill)
            s = agency.subject
            # released to the agency before the backup (the publisher holds each agency's messages a moment)
            await agency.until({s(y): [Partner.REGISTERED] for y in (kept, shared_kept, deactivated)})
            print(take_backup(drill))
            await asyncio.sleep(1.5)
            before_second = utc_now()
            await asyncio.sleep(1.5)
            second = await register("备份后丙", consents=["REGISTRATION", HRSS])
            erased_new = await register("备份后丁", consents=["REGISTRATION", HRSS])
            withdrawn = await registry.post(f"/youth/{kept}/consents/withdraw", json={"purpose": HRSS}, headers=op)
            assert withdrawn.status_code == 200, withdrawn.text  # sharing withdrawn after the backup: stays so
            gone = await registry.post(f"/youth/{deactivated}/consents/withdraw", json={"purpose": "REGISTRATION"},
                                       headers=op)
            assert gone.status_code == 200, gone.text  # deactivated: no agency gets it any more; stays so
            for gone in (erased_later, erased_new):
                assert (await registry.post(f"/youth/{gone}/erase", headers=op)).status_code == 200
            told = await agency.until({s(kept): [Partner.REGISTERED, Partner.CONSENT_WITHDRAWN],
                                       s(deactivated): [Partner.REGISTERED, Partner.CONSENT_WITHDRAWN],
                                       s(shared_kept): [Partner.REGISTERED], s(second): [Partner.REGISTERED],
                                       s(erased_new): [Partner.REGISTERED, Partner.ERASED]})
            await archived(drill)  # after the partner publisher's last release: its store is in the archive
        cluster.stop()
        shutil.rmtree(drill.data_dir)  # the disk is lost: cluster, Kafka log and development keys

        assert await restore_to(drill, cluster, None) == {}  # nothing was rolled back: the agency is told nothing
        await expect(drill, op, admin, present={kept: "备份前甲", second: "备份后丙", shared_kept: "备份前戊"},
                     erased=[erased_later, erased_new], absent=[], withdrawn=kept, deactivated=deactivated)
        assert new_since(told, await agency.read()) == {}

        assert await restore_to(drill, cluster, before_second, recovered=True) == {
            "partner.hrss.youth": {Partner.CONSENT_WITHDRAWN: 3, Partner.ERASED: 1}}
        await expect(drill, op, admin, present={kept: "备份前甲", shared_kept: "备份前戊"}, erased=[erased_later],
                     absent=[second, erased_new], withdrawn=kept, deactivated=deactivated)
        after = await agency.until({s(second): [Partner.REGISTERED, Partner.CONSENT_WITHDRAWN],
                                    s(erased_new): [Partner.REGISTERED, Partner.ERASED, Partner.ERASED]})
        new = new_since(told, after)
        # a withdrawal for the registration rolled back, the erasure again for the one rolled back and erased
        # (the ledger), the consent withdrawn after the recovery point withdrawn again (the ledger; the
        # publisher may repeat it when it sees the withdrawal applied again), nothing for the others
        assert set(new) == {s(second), s(erased_new), s(kept), s(deactivated)}, new
        assert {t for _, t, _ in new[s(second)]} == {Partner.CONSENT_WITHDRAWN}
        assert {t for _, t, _ in new[s(erased_new)]} == {Partner.ERASED}
        assert {t for _, t, _ in new[s(kept)]} == {t for _, t, _ in new[s(deactivated)]} == {Partner.CONSENT_WITHDRAWN}
        for subject, messages in new.items():  # numbered above every version the agency had: none is dropped
            assert messages[0][0] > max(v for v, _, _ in told[subject]), (subject, messages, told[subject])
    finally:
        cluster.stop()


async def expect(settings, op, admin, *, present: dict[str, str], erased: list[str], absent: list[str],
                 withdrawn: str, deactivated: str) -> None:
    """`withdrawn`: the person whose consent to share with HRSS was withdrawn after the backup; `deactivated`:
    whose registration consent was."""
    async with stack(settings) as (registry, gateway):
        for youth_id, name in present.items():
            read = (await registry.get(f"/youth/{youth_id}", headers=op)).json()
            assert read["name"] == name, read
            if youth_id == withdrawn:
                assert HRSS not in {c["purpose"] for c in read["consents"]}, read
            assert read["status"] == "ACTIVE", read
        read = (await registry.get(f"/youth/{deactivated}", headers=op)).json()
        assert read["status"] == "DEACTIVATED", read  # the ledger's withdrawal of the registration, applied again
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
