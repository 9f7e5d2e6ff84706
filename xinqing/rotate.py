"""Master-key rotation: re-wrap every person's data key from the current master key to a new one.

Only the wrapping changes (`person_keys.wrapped`, `key_id`, in each key store: chassis/keystore.py); sealed
personal data is untouched. Rows are done in batches, each in its own transaction, and only rows still
under the old key id are read, so an interrupted run is simply run again. The registry must be stopped
meanwhile: its vault holds one master key at a time (docs/RUNBOOK.md, "Rotate the master key").
"""
from __future__ import annotations

import os

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


def _unwrap(master: AESGCM, subject: str, wrapped: bytes) -> bytes:
    return master.decrypt(wrapped[:12], wrapped[12:], subject.encode())  # format of chassis/vault.py


def _wrap(master: AESGCM, subject: str, key: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + master.encrypt(nonce, key, subject.encode())


async def rewrap(dsn: str, old_key: bytes, old_id: str, new_key: bytes, new_id: str, *, batch: int = 1000) -> int:
    if old_id == new_id:
        raise ValueError("the new master key needs a new id (XQ_MASTER_KEY_ID names the key that wrapped a row)")
    old, new = AESGCM(old_key), AESGCM(new_key)
    conn = await asyncpg.connect(dsn)
    done = 0
    try:
        while True:
            async with conn.transaction():
                rows = await conn.fetch("SELECT subject, wrapped FROM person_keys WHERE key_id = $1 "
                                        "ORDER BY subject LIMIT $2 FOR UPDATE", old_id, batch)
                if not rows:
                    return done
                await conn.executemany(
                    "UPDATE person_keys SET key_id = $2, wrapped = $3 WHERE subject = $1",
                    [(r["subject"], new_id, _wrap(new, r["subject"], _unwrap(old, r["subject"], r["wrapped"])))
                     for r in rows])
            done += len(rows)
    finally:
        await conn.close()
