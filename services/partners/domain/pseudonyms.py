"""The per-agency pseudonym (chassis/pseudonyms.py: stations' referrals use the same scheme)."""
from __future__ import annotations

from chassis.pseudonyms import Pseudonymiser

__all__ = ["Pseudonymiser"]
