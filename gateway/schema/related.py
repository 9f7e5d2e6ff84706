"""A list item's field that names another object by its id (a station, a branch): read through the
request's loader, so a page of items costs one statement whatever its length."""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import strawberry

RELATED = "（同一请求内批量读取；不在您权限范围内的区时为 null）"


def related(load: Callable[[strawberry.Info, str | None], Awaitable[Any]], id_field: str, node: type,
            description: str) -> Any:
    """The field `node | None` that `load(info, <the item's id_field>)` answers (null outside the caller's
    district scope); `description` says which object it is, the batching note is added."""

    async def resolve(root: Any, info: strawberry.Info) -> Any:
        return await load(info, getattr(root, id_field))

    return strawberry.field(resolver=resolve, description=description + RELATED, graphql_type=node | None)
