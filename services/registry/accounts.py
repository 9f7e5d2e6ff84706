"""A young person's own sign-in account and the claim codes that link it to a record staff created.

The account is the subject (`sub`) of a youth token, the person's id at the youth identity provider: the
registry keeps only its keyed hash (`youth_accounts`), and the account itself sealed in `account-linked.v1`,
so it never reaches Kafka in clear and is shredded with the person. A claim code is 8 characters from an
alphabet without look-alikes (0/O, 1/I/L), about 39 bits, kept only as a keyed hash as well.
"""
from __future__ import annotations

import re
import secrets
from datetime import timedelta

import asyncpg

from chassis.auth import Principal
from chassis.errors import NotFound
from chassis.vault import Vault

from . import tables

CLAIM_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CLAIM_CODE_LENGTH = 8
CLAIM_CODE_VALID = timedelta(days=7)
NOT_REGISTERED = "您的账号尚未关联登记记录：请先登记（registerMe），或用驿站打印的认领码认领（claimMyRecord）。"


def account_digest(vault: Vault, account: str) -> bytes:
    """The keyed hash of an account (a youth token's `sub`), the only form of it in a query table."""
    return vault.blind_index("account", account)


def new_claim_code() -> str:
    return "".join(secrets.choice(CLAIM_CODE_ALPHABET) for _ in range(CLAIM_CODE_LENGTH))


def claim_code_digest(vault: Vault, code: str) -> bytes:
    """Spaces, hyphens and case do not matter (the code is read off paper and typed on a phone)."""
    return vault.blind_index("claim_code", re.sub(r"[\s-]", "", code).upper())


async def own_record(conn: asyncpg.Connection, vault: Vault, who: Principal) -> str:
    """The id of the caller's own record: the one their account is linked to, or the record it was merged
    into since. NOT_FOUND when none (never linked, or erased: erasure removes the link)."""
    linked = await tables.linked_youth(conn, account_digest(vault, who.subject))
    if linked is None:
        raise NotFound(NOT_REGISTERED)
    return await tables.survivor_of(conn, linked)
