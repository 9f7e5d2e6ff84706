"""Per-person encryption (crypto-shredding) and the blind index.

Each person has a random 256-bit data key; personal fields are sealed with it (AES-256-GCM, the
stream id as associated data). The data key is stored wrapped by the master key, with the master
key's id so the master key can rotate. Erasure deletes the wrapped key: every sealed field of that
person, wherever a copy lies, becomes unreadable. The blind index is an HMAC of a normalised
identifier, so duplicates are found without decrypting anyone.
"""
from __future__ import annotations

import hashlib
import hmac
import os

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = b"\x01"  # sealed blob: version byte, 12-byte nonce, ciphertext+tag


class Vault:
    def __init__(self, master_key: bytes, master_key_id: str, blind_key: bytes):
        self.master = AESGCM(master_key)
        self.master_key_id = master_key_id
        self.blind_key = blind_key

    def blind_index(self, kind: str, value: str) -> bytes:
        return hmac.new(self.blind_key, f"{kind}:{value}".encode(), hashlib.sha256).digest()

    async def _data_key(self, conn: asyncpg.Connection, subject: str, *, create: bool) -> bytes | None:
        row = await conn.fetchrow("SELECT key_id, wrapped FROM person_keys WHERE subject = $1", subject)
        if row is None:
            if not create:
                return None
            key = AESGCM.generate_key(256)
            nonce = os.urandom(12)
            wrapped = nonce + self.master.encrypt(nonce, key, subject.encode())
            inserted = await conn.fetchval(
                "INSERT INTO person_keys (subject, key_id, wrapped) VALUES ($1, $2, $3) "
                "ON CONFLICT (subject) DO NOTHING RETURNING subject", subject, self.master_key_id, wrapped)
            if inserted is None:  # a concurrent registration of the same id created it first
                return await self._data_key(conn, subject, create=False)
            return key
        if row["key_id"] != self.master_key_id:
            raise RuntimeError(f"person key wrapped by master key {row['key_id']}; rotate keys first")
        wrapped = row["wrapped"]
        return self.master.decrypt(wrapped[:12], wrapped[12:], subject.encode())

    async def seal(self, conn: asyncpg.Connection, subject: str, plaintext: bytes) -> bytes:
        key = await self._data_key(conn, subject, create=True)
        nonce = os.urandom(12)
        return FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, subject.encode())

    async def unseal(self, conn: asyncpg.Connection, subject: str, sealed: bytes) -> bytes | None:
        key = await self._data_key(conn, subject, create=False)
        if key is None:
            return None  # shredded
        return AESGCM(key).decrypt(sealed[1:13], sealed[13:], subject.encode())

    async def shred(self, conn: asyncpg.Connection, subject: str) -> bool:
        return await conn.fetchval("DELETE FROM person_keys WHERE subject = $1 RETURNING true", subject) or False
