"""A young person's own record in the GraphQL schema (youth tokens only), by role: `types` (their record as
they see it), `queries` (`me`), `mutations` (register or claim, change, consent, export, erase). Every field
acts on the caller's own record: the registry finds it from the token's account, never from an argument."""
from __future__ import annotations

from .mutations import Mutation
from .queries import Query

__all__ = ["Mutation", "Query"]
