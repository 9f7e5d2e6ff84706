"""Cursor-paginated lists (keyset pagination) with a maximum page size, shared by every domain.

Usage in a resolver:
    limit, after = page_args(first, after_cursor)                 # validates first ≤ MAX_PAGE_SIZE
    rows = await views.list_x(conn, after_key=after, limit=limit + 1)   # one extra row: is there more?
    return connection(rows, limit, node=to_node, key=lambda r: (r["registered_on"].isoformat(), r["youth_id"]))
Cursors are opaque to clients (base64 of the sort key of the last row).
"""
from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

import orjson
import strawberry

from chassis.errors import FieldError, ValidationFailed

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
T = TypeVar("T")


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Connection(Generic[T]):
    nodes: list[T]
    page_info: PageInfo
    total_count: int | None = strawberry.field(default=None, description="总数（在可廉价计算时给出）")


def encode_cursor(key: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps(list(key))).decode().rstrip("=")


def decode_cursor(cursor: str) -> list[Any]:
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = orjson.loads(base64.urlsafe_b64decode(padded))
    except (ValueError, orjson.JSONDecodeError):
        value = None
    if not isinstance(value, list):
        raise ValidationFailed([FieldError("after", "分页游标无效：请使用上一页返回的 endCursor", "cursor")])
    return value


def page_args(first: int | None, after: str | None) -> tuple[int, list[Any] | None]:
    limit = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= limit <= MAX_PAGE_SIZE:
        raise ValidationFailed([FieldError("first", f"每页条数应为 1–{MAX_PAGE_SIZE}", "range")])
    return limit, (decode_cursor(after) if after else None)


def connection(rows: Sequence[Any], limit: int, *, node: Callable[[Any], T], key: Callable[[Any], Sequence[Any]],
               total_count: int | None = None) -> Connection[T]:
    """`rows` holds up to limit + 1 rows in sort order; the extra one only says that more exist."""
    page = list(rows[:limit])
    return Connection(nodes=[node(r) for r in page],
                      page_info=PageInfo(has_next_page=len(rows) > limit,
                                         end_cursor=encode_cursor(key(page[-1])) if page else None),
                      total_count=total_count)
