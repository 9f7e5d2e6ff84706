"""After a restore: every erasure and agency-sharing withdrawal of the ledger applied again, where the
restored stores do not show it (chassis/erasure_ledger.py). Nothing here depends on the recovery point:
an entry already in effect is passed over, so the same run serves a restore to any time.

- erased: the registry erases the person (and every record merged into them) if the restored stream is
  not erased, and their key is shredded in the registry's key store whatever the stream says (the key
  store was restored too); the keys of their cases are shredded in the stations' key store.
- sharing: per person and agency, the last ledger entry wins; if it is a withdrawal and the restored
  record still has the consent, it is withdrawn again (the partners service then tells the agency).
"""
from __future__ import annotations

from dataclasses import dataclass, field

from chassis import db, roles
from chassis.clock import Clock
from chassis.erasure_ledger import ERASED, SHARING_WITHDRAWN, ErasureLedger
from chassis.eventstore import EventStore
from chassis.keys import blind_index_key, master_key, retired_master_keys
from chassis.keystore import KeyStore
from chassis.settings import Settings
from chassis.vault import Vault
from contracts.registry import YOUTH, Status


@dataclass
class Reapplied:
    erased: list[str] = field(default_factory=list)  # erased again in the registry
    shredded: int = 0  # keys deleted again (registry and stations key stores)
    withdrawn: list[tuple[str, str]] = field(default_factory=list)  # (youth id, purpose)
    # set by the restore (agencies.py): per agency topic, the notices appended, by type
    notices: dict[str, dict[str, int]] = field(default_factory=dict)


async def reapply(settings: Settings, *, stations: bool = True) -> Reapplied:
    """`stations`: whether the stations service is deployed (its case keys are shredded too)."""
    from services.registry import commands
    from services.registry.app import SOURCE
    from services.registry.domain.commands import WithdrawConsent
    from services.registry.domain.events import codec
    from services.registry.domain.state import stream_id
    from services.stations.domain.case import stream_id as case_stream

    entries = ErasureLedger(settings.ledger).entries()
    done = Reapplied()
    registry_keys, stations_keys = KeyStore("registry"), KeyStore("stations")
    vault = Vault(master_key(settings), settings.master_key_id, blind_index_key(settings),
                  retired=retired_master_keys(settings), keys=registry_keys)  # no ledger: nothing new to record
    case_vault = Vault(master_key(settings), settings.master_key_id, keys=stations_keys)
    store = EventStore(SOURCE, codec, settings.topic(YOUTH.name), sealer=vault)
    today = Clock().today()
    await registry_keys.open(settings, provisions=False)
    registry = await db.create_pool(roles.service_dsn(settings, "registry"), max_size=2)
    cases = None
    if stations:
        await stations_keys.open(settings, provisions=False)
        cases = await db.create_pool(roles.service_dsn(settings, "stations"), max_size=2)
    try:
        for youth_id in dict.fromkeys(e.youth_id for e in entries if e.kind == ERASED):
            async with registry.acquire() as conn, conn.transaction():
                state, _ = await commands.load(conn, store, youth_id)
                if state.exists and state.status != Status.ERASED:
                    _, group = await commands.erase(conn, store, vault, youth_id, today, who=None)
                    done.erased += group
            done.shredded += await vault.shred([stream_id(youth_id)])
            if cases is not None:
                theirs = await cases.fetch("SELECT case_id FROM case_subjects WHERE youth_id = $1", youth_id)
                done.shredded += await case_vault.shred([case_stream(r["case_id"]) for r in theirs])
        last: dict[tuple[str, str], str] = {}
        for e in entries:
            if e.kind != ERASED and e.purpose:
                last[(e.youth_id, e.purpose)] = e.kind
        for (youth_id, purpose), kind in last.items():
            if kind != SHARING_WITHDRAWN:
                continue
            async with registry.acquire() as conn, conn.transaction():
                state, _ = await commands.load(conn, store, youth_id)
                if state.exists and state.status != Status.ERASED and purpose in state.consents:
                    await commands.run(conn, store, vault, youth_id, WithdrawConsent(purpose, today))
                    done.withdrawn.append((youth_id, purpose))
        return done
    finally:
        await registry.close()
        if cases is not None:
            await cases.close()
        await registry_keys.close()
        await stations_keys.close()
