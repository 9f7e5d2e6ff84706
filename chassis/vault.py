"""Per-person encryption (crypto-shredding) and the blind index (the registry's; the stations seal case
summaries with it too, with their own key store).

Each person has a random 256-bit data key; personal fields are sealed with it (AES-256-GCM). The
associated data binds a sealed blob to its place: the person (stream id) and where it lies (`place`: the
event's type and id, or the search card), so a blob copied to another event or field of the same person,
or to another person, fails to open. Blobs of format 1 (sealed before that binding) name the person only
and still open. The data key is kept wrapped by a master key, with that master key's
id, in the service's key store (chassis/keystore.py: a database apart from the events, so a copy of
the events and the master key open nothing). The current master key wraps new keys, retired master
keys (settings) still unwrap old ones, and `rewrap` moves every person key to the current master key
(rotation). Erasure deletes the wrapped key: every sealed field of that person, wherever a copy lies,
becomes unreadable. The blind index is an HMAC of a normalised identifier, so duplicates are found
without decrypting anyone.
"""
from __future__ import annotations

import hashlib
import hmac
import os

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .db import Connection
from .erasure_ledger import ErasureLedger
from .keystore import KeyStore

# A sealed blob: format byte, 12-byte nonce, ciphertext+tag. The format says what the associated data was.
FORMAT_PERSON = b"\x01"  # the stream id only (data sealed before the place binding; opened, never written)
FORMAT = b"\x02"  # the stream id and the place
CARD = "card"  # the place of the registry's search card (youth_index.card)


def event_place(event_type: str, event_id: object) -> str:
    """The place of an event's sealed personal fields (events.sealed)."""
    return f"event:{event_type}:{event_id}"


def _associated(subject: str, place: str) -> bytes:
    return f"xq.sealed.v2\x1f{subject}\x1f{place}".encode()


def seal_by(cipher: AESGCM, subject: str, place: str, plaintext: bytes) -> bytes:
    nonce = os.urandom(12)
    return FORMAT + nonce + cipher.encrypt(nonce, plaintext, _associated(subject, place))


def open_by(cipher: AESGCM, subject: str, place: str, sealed: bytes) -> bytes:
    """The plaintext; raises (cryptography's InvalidTag) when the blob is not this place's or was altered."""
    if sealed[:1] == FORMAT:
        associated = _associated(subject, place)
    elif sealed[:1] == FORMAT_PERSON:
        associated = subject.encode()
    else:
        raise ValueError(f"unknown sealed format {sealed[:1]!r}")
    return cipher.decrypt(sealed[1:13], sealed[13:], associated)


class Vault:
    def __init__(self, master_key: bytes, master_key_id: str, blind_key: bytes | None = None,
                 retired: dict[str, bytes] | None = None, *, keys: KeyStore, ledger: ErasureLedger | None = None):
        self.master_key_id = master_key_id
        self.masters = {**{k: AESGCM(v) for k, v in (retired or {}).items()}, master_key_id: AESGCM(master_key)}
        self.master = self.masters[master_key_id]
        self.blind_key = blind_key
        self.keys = keys
        self.ledger = ledger  # the registry's: erasures and sharing withdrawals outlive a restore (issue 22)

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

    async def data_keys(self, subjects: list[str]) -> dict[str, bytes]:
        """The keys of those of `subjects` that have one (not shredded), read in one round trip."""
        found = await self.keys.wrapped(subjects)
        return {s: self.unwrap(s, key_id, wrapped) for s, (key_id, wrapped) in found.items()}

    async def data_key(self, subject: str, *, create: bool = False) -> bytes | None:
        """The person's key, or None once shredded; with `create`, made (and kept) when missing."""
        key = (await self.data_keys([subject])).get(subject)
        if key is None and create:
            key = AESGCM.generate_key(256)
            if not await self.keys.add(subject, self.master_key_id, self.wrap(subject, key)):
                return await self.data_key(subject)  # a concurrent first seal of the same subject won
        return key

    # The Sealer protocol (chassis/codec.py): `conn` is the events' transaction, which the keys are not in.
    async def seal(self, conn: Connection, subject: str, plaintext: bytes, place: str) -> bytes:
        key = await self.data_key(subject, create=True)
        assert key is not None  # created when missing
        return seal_by(AESGCM(key), subject, place, plaintext)

    async def unseal(self, conn: Connection, subject: str, sealed: bytes, place: str) -> bytes | None:
        key = await self.data_key(subject)
        if key is None:
            return None  # shredded
        return open_by(AESGCM(key), subject, place, sealed)

    async def shred(self, subjects: list[str]) -> int:
        """Crypto-shredding. Call it before the erasure's events commit (chassis/keystore.py: order)."""
        return await self.keys.shred(subjects)

    async def not_rewrapped(self) -> int:
        """How many person keys are still wrapped by a retired master key."""
        return await self.keys.count_not_under(self.master_key_id)

    def key_ring(self) -> KeyRing:
        return KeyRing(self)

    async def rewrap(self, batch_size: int = 1000) -> int:
        """Key rotation: re-wrap every person key still under a retired master key (resumable)."""
        done = 0
        async with self.keys.acquire() as conn:
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


class KeyRing:
    """The person keys of one transaction (a command, a bulk import, a page of search results): each
    read and unwrapped once, however many fields, events and index rows it seals, with one AES-GCM key
    schedule per person. People registered in the transaction get keys made in memory (`new_person`),
    written to the key store by `flush` with one statement, which the caller runs after its append and
    before its commit (chassis/keystore.py: order). Lives only as long as the transaction: a key
    shredded later is never served from here."""

    def __init__(self, vault: Vault):
        self.vault = vault
        self.ciphers: dict[str, AESGCM | None] = {}  # None: the person's key was shredded
        self.new: dict[str, bytes] = {}

    def new_person(self, subject: str) -> None:
        key = self.new[subject] = AESGCM.generate_key(256)
        self.ciphers[subject] = AESGCM(key)

    async def preload(self, subjects: list[str]) -> None:
        """Read the keys of many people at once (a page of results)."""
        wanted = [s for s in subjects if s not in self.ciphers]
        if wanted:
            keys = await self.vault.data_keys(wanted)
            self.ciphers.update({s: AESGCM(keys[s]) if s in keys else None for s in wanted})

    async def _cipher(self, subject: str, *, create: bool) -> AESGCM | None:
        if self.ciphers.get(subject) is None and (create or subject not in self.ciphers):
            key = await self.vault.data_key(subject, create=create)
            self.ciphers[subject] = None if key is None else AESGCM(key)
        return self.ciphers[subject]

    async def seal(self, conn: Connection, subject: str, plaintext: bytes, place: str) -> bytes:
        cipher = await self._cipher(subject, create=True)
        assert cipher is not None  # created when missing
        return seal_by(cipher, subject, place, plaintext)

    async def unseal(self, conn: Connection | None, subject: str, sealed: bytes, place: str) -> bytes | None:
        cipher = await self._cipher(subject, create=False)
        return None if cipher is None else open_by(cipher, subject, place, sealed)

    async def flush(self) -> None:
        """Keep the keys of the people registered in this transaction (after their first events were
        appended, before the commit)."""
        if self.new:
            await self.vault.keys.put_new([(s, self.vault.master_key_id, self.vault.wrap(s, key))
                                           for s, key in self.new.items()])
            self.new = {}
