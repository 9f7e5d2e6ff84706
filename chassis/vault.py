"""Per-person encryption (crypto-shredding) and the blind index (the registry's; the stations seal case
summaries with it too, in their own database's `person_keys`).

Each person has a random 256-bit data key; personal fields are sealed with it (AES-256-GCM, the
stream id as associated data). The data key is stored wrapped by a master key, with that master
key's id: the current master key wraps new keys, retired master keys (settings) still unwrap old
ones, and `rewrap` moves every person key to the current master key (rotation). Erasure deletes the
wrapped key: every sealed field of that person, wherever a copy lies, becomes unreadable. The blind
index is an HMAC of a normalised identifier, so duplicates are found without decrypting anyone.
"""
from __future__ import annotations

import hashlib
import hmac
import os

import asyncpg
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

FORMAT = b"\x01"  # sealed blob: version byte, 12-byte nonce, ciphertext+tag


class Vault:
    def __init__(self, master_key: bytes, master_key_id: str, blind_key: bytes | None = None,
                 retired: dict[str, bytes] | None = None):
        self.master_key_id = master_key_id
        self.masters = {**{k: AESGCM(v) for k, v in (retired or {}).items()}, master_key_id: AESGCM(master_key)}
        self.master = self.masters[master_key_id]
        self.blind_key = blind_key

    def blind_index(self, kind: str, value: str) -> bytes:
        if self.blind_key is None:
            raise RuntimeError("this vault has no blind-index key (only the registry keeps a blind index)")
        return hmac.new(self.blind_key, f"{kind}:{value}".encode(), hashlib.sha256).digest()

    def wrap(self, subject: str, key: bytes) -> bytes:
        nonce = os.urandom(12)
        return nonce + self.master.encrypt(nonce, key, subject.encode())

    def unwrap(self, subject: str, key_id: str, wrapped: bytes) -> bytes:
        master = self.masters.get(key_id)
        if master is None:
            raise RuntimeError(f"person key wrapped by unknown master key {key_id}; configure it as retired")
        return master.decrypt(wrapped[:12], wrapped[12:], subject.encode())

    async def _data_key(self, conn: asyncpg.Connection, subject: str, *, create: bool) -> bytes | None:
        row = await conn.fetchrow("SELECT key_id, wrapped FROM person_keys WHERE subject = $1", subject)
        if row is None:
            if not create:
                return None
            key = AESGCM.generate_key(256)
            inserted = await conn.fetchval(
                "INSERT INTO person_keys (subject, key_id, wrapped) VALUES ($1, $2, $3) "
                "ON CONFLICT (subject) DO NOTHING RETURNING subject", subject, self.master_key_id,
                self.wrap(subject, key))
            if inserted is None:  # a concurrent registration of the same id created it first
                return await self._data_key(conn, subject, create=False)
            return key
        return self.unwrap(subject, row["key_id"], row["wrapped"])

    async def data_key(self, conn: asyncpg.Connection, subject: str) -> bytes | None:
        """The person's key, or None once shredded."""
        return await self._data_key(conn, subject, create=False)

    async def seal(self, conn: asyncpg.Connection, subject: str, plaintext: bytes) -> bytes:
        key = await self._data_key(conn, subject, create=True)
        assert key is not None  # created when missing
        return seal_with(key, subject, plaintext)

    async def unseal(self, conn: asyncpg.Connection, subject: str, sealed: bytes) -> bytes | None:
        key = await self._data_key(conn, subject, create=False)
        if key is None:
            return None  # shredded
        return unseal_with(key, subject, sealed)

    async def shred(self, conn: asyncpg.Connection, subject: str) -> bool:
        return await conn.fetchval("DELETE FROM person_keys WHERE subject = $1 RETURNING true", subject) or False

    async def not_rewrapped(self, conn: asyncpg.Connection) -> int:
        """How many person keys are still wrapped by a retired master key."""
        return int(await conn.fetchval("SELECT count(*) FROM person_keys WHERE key_id <> $1", self.master_key_id))

    def key_ring(self) -> KeyRing:
        return KeyRing(self)

    async def rewrap(self, conn: asyncpg.Connection, batch_size: int = 1000) -> int:
        """Key rotation: re-wrap every person key still under a retired master key (resumable)."""
        done = 0
        while True:
            async with conn.transaction():
                rows = await conn.fetch("SELECT subject, key_id, wrapped FROM person_keys WHERE key_id <> $1 "
                                        "LIMIT $2 FOR UPDATE SKIP LOCKED", self.master_key_id, batch_size)
                if not rows:
                    return done
                await conn.executemany(
                    "UPDATE person_keys SET key_id = $2, wrapped = $3 WHERE subject = $1",
                    [(r["subject"], self.master_key_id,
                      self.wrap(r["subject"], self.unwrap(r["subject"], r["key_id"], r["wrapped"]))) for r in rows])
                done += len(rows)


def seal_with(key: bytes, subject: str, plaintext: bytes) -> bytes:
    nonce = os.urandom(12)
    return FORMAT + nonce + AESGCM(key).encrypt(nonce, plaintext, subject.encode())


def unseal_with(key: bytes, subject: str, sealed: bytes) -> bytes:
    return AESGCM(key).decrypt(sealed[1:13], sealed[13:], subject.encode())


class KeyRing:
    """The person keys of one transaction (a command, or a bulk import): each read and unwrapped once,
    however many fields, events and index rows it seals, with one AES-GCM key schedule per person.
    People registered in the transaction get keys made in memory (`new_person`), written by `flush`
    with one statement in the same transaction. Lives only as long as the transaction: a key shredded
    later is never served from here."""

    def __init__(self, vault: Vault):
        self.vault = vault
        self.keys: dict[str, bytes] = {}
        self.ciphers: dict[str, AESGCM | None] = {}  # None: the person's key was shredded
        self.new: list[str] = []

    def new_person(self, subject: str) -> None:
        key = self.keys[subject] = AESGCM.generate_key(256)
        self.ciphers[subject] = AESGCM(key)
        self.new.append(subject)

    async def _cipher(self, conn: asyncpg.Connection, subject: str, *, create: bool) -> AESGCM | None:
        if self.ciphers.get(subject) is None and (create or subject not in self.ciphers):
            key = await self.vault._data_key(conn, subject, create=create)
            self.ciphers[subject] = None if key is None else AESGCM(key)
        return self.ciphers[subject]

    async def seal(self, conn: asyncpg.Connection, subject: str, plaintext: bytes) -> bytes:
        nonce = os.urandom(12)
        cipher = await self._cipher(conn, subject, create=True)
        assert cipher is not None  # created when missing
        return FORMAT + nonce + cipher.encrypt(nonce, plaintext, subject.encode())

    async def unseal(self, conn: asyncpg.Connection, subject: str, sealed: bytes) -> bytes | None:
        cipher = await self._cipher(conn, subject, create=False)
        return None if cipher is None else cipher.decrypt(sealed[1:13], sealed[13:], subject.encode())

    async def flush(self, conn: asyncpg.Connection) -> None:
        """Write the keys of the people registered in this transaction (a person already keyed is a
        conflict: the primary key refuses it and the transaction rolls back)."""
        if self.new:
            await conn.execute(
                "INSERT INTO person_keys (subject, key_id, wrapped) "
                "SELECT * FROM unnest($1::text[], $2::text[], $3::bytea[])",
                self.new, [self.vault.master_key_id] * len(self.new),
                [self.vault.wrap(s, self.keys[s]) for s in self.new])
            self.new = []
