"""The per-agency pseudonym of a person: the only id of a person that ever leaves for an agency (the partners
service's youth topics and the stations' referrals use the same one, so an agency can join the two)."""
from __future__ import annotations

import hashlib
import hmac


class Pseudonymiser:
    """subject = HMAC-SHA256(agency key, youth id); agency key = HMAC-SHA256(secret, agency).

    One secret in settings gives every agency its own key, so an agency's ids reveal nothing about
    another's. Rotating the secret re-keys every agency (its topic must then be rebuilt)."""

    def __init__(self, secret: bytes):
        if len(secret) < 32:
            raise ValueError("the partner pseudonym secret must have at least 32 bytes")
        self._secret = secret
        self._keys: dict[str, bytes] = {}

    def key(self, agency: str) -> bytes:
        if agency not in self._keys:
            self._keys[agency] = hmac.new(self._secret, b"xinqing/partner-subject/v1/" + agency.encode(),
                                          hashlib.sha256).digest()
        return self._keys[agency]

    def subject(self, agency: str, youth_id: str) -> str:
        digest = hmac.new(self.key(agency), youth_id.encode(), hashlib.sha256).hexdigest()
        return f"{agency.lower()}-{digest[:40]}"
