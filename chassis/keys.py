"""Key material: from settings in production, generated once into the data directory in development.

Development keys live in `<data_dir>/keys/` (git-ignored): the master key that wraps per-person
data keys, the blind-index key, and the EC key pair that signs development tokens.
"""
from __future__ import annotations

import base64
import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from .settings import Settings

FILES = ("master.key", "blind-index.key", "partner.key", "jwt-private.pem", "jwt-public.pem")


def ensure_dev_keys(keys_dir: Path) -> None:
    keys_dir.mkdir(parents=True, exist_ok=True)
    for name in ("master.key", "blind-index.key", "partner.key"):
        path = keys_dir / name
        if not path.exists():
            path.write_text(base64.b64encode(os.urandom(32)).decode())
            path.chmod(0o600)
    private = keys_dir / "jwt-private.pem"
    if not private.exists():
        key = ec.generate_private_key(ec.SECP256R1())
        private.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
        private.chmod(0o600)
        (keys_dir / "jwt-public.pem").write_bytes(key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo))


def _secret(settings: Settings, value: str | None, filename: str, setting: str) -> bytes:
    if value:
        raw = base64.b64decode(value)
    else:
        path = settings.keys_dir / filename
        if settings.environment == "production" or not path.exists():
            raise RuntimeError(f"{setting} is not set (and no development key at {path}); run `xinqing keys`.")
        raw = base64.b64decode(path.read_text())
    if len(raw) != 32:
        raise RuntimeError(f"{setting} must be 32 bytes, base64-encoded")
    return raw


def master_key(settings: Settings) -> bytes:
    return _secret(settings, settings.master_key, "master.key", "XQ_MASTER_KEY")


def blind_index_key(settings: Settings) -> bytes:
    return _secret(settings, settings.blind_index_key, "blind-index.key", "XQ_BLIND_INDEX_KEY")


def partner_key(settings: Settings) -> bytes:
    """The secret agencies' pseudonym keys are derived from (chassis/pseudonyms.py: partner topics and referrals)."""
    return _secret(settings, settings.partner_key, "partner.key", "XQ_PARTNER_KEY")


def jwt_public_key(settings: Settings) -> bytes:
    """The key tokens are verified with. In production only an explicit one: the development key pair in
    the data directory can be minted with by anyone who can run `xinqing token`."""
    if settings.jwt_public_key_file:
        return settings.jwt_public_key_file.read_bytes()
    if settings.environment == "production":
        raise RuntimeError("XQ_ENVIRONMENT=production refuses the development JWT key: set XQ_JWT_JWKS_URL "
                           "or XQ_JWT_PUBLIC_KEY_FILE")
    return (settings.keys_dir / "jwt-public.pem").read_bytes()


def jwt_private_key(settings: Settings) -> bytes:
    """The key development tokens are signed with; production tokens come from the identity provider only."""
    if settings.environment == "production":
        raise RuntimeError("XQ_ENVIRONMENT=production: tokens come from the identity provider; no token is "
                           "minted here")
    return (settings.jwt_private_key_file or settings.keys_dir / "jwt-private.pem").read_bytes()


def retired_master_keys(settings: Settings) -> dict[str, bytes]:
    """XQ_MASTER_KEYS_RETIRED='k0=<base64>,...': keys that only unwrap, until `rewrap` has moved everyone."""
    out = {}
    for item in filter(None, (settings.master_keys_retired or "").split(",")):
        key_id, _, value = item.strip().partition("=")
        raw = base64.b64decode(value)
        if not key_id or len(raw) != 32:
            raise RuntimeError("XQ_MASTER_KEYS_RETIRED must look like 'k0=<base64 of 32 bytes>,...'")
        out[key_id] = raw
    return out
