"""The registry's key vault is the chassis' (chassis/vault.py): the stations seal case summaries with the
same per-subject keys, so the code moved there; the registry's modules keep importing it from here."""
from __future__ import annotations

from chassis.vault import FORMAT, KeyRing, Vault, seal_with, unseal_with

__all__ = ["FORMAT", "KeyRing", "Vault", "seal_with", "unseal_with"]
