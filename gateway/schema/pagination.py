"""Cursor-paginated lists (keyset pagination) with a maximum page size: the one way every list
resolver pages.

A list from the gateway's read models, sorted by (registered_on, youth_id), that staff read for their district:
    return await scoped_page(info, ROLES, district, first, after, tables.x_page, {"kind": kind}, node=to_x,
                             order=("registered_on", "youth_id"), dated=True)
(`rows_page` when the read is not scoped that way; `table_page` when it is not `x_page(conn, **where, after=…,
limit=…)` or its sort key is not plain columns.)
A list a service answers: `paginate` with a fetch that asks the service and returns `service_rows(answer)`.
Cursors are opaque to clients (base64 of the sort key of the last row).
"""
from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import Any, Generic, TypeVar

import asyncpg
import orjson
import strawberry

from chassis.errors import FieldError, ValidationFailed

from .common import read_scope, read_table

MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
T = TypeVar("T")
BAD_CURSOR = "分页游标无效：请使用上一页返回的 endCursor"


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
        raise ValidationFailed([FieldError("after", BAD_CURSOR, "cursor")])
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


def checked_cursor(key: list[Any] | None, size: int, *, dated: bool = False) -> list[Any] | None:
    """A decoded cursor must have its list's shape, `size` strings (the first an ISO date if `dated`):
    a forged one is bad input, not a server error."""
    if key is None:
        return None
    ok = len(key) == size and all(isinstance(k, str) for k in key)
    if ok and dated:
        try:
            date.fromisoformat(key[0])
        except ValueError:
            ok = False
    if not ok:
        raise ValidationFailed([FieldError("after", BAD_CURSOR, "cursor")])
    return key


# (the decoded cursor or None, the page size) -> the page's rows in order, and one more if more exist
Fetch = Callable[[list[Any] | None, int], Awaitable[Sequence[Any]]]
# the same from a read model: (connection, decoded cursor or None, how many rows to read)
Read = Callable[[asyncpg.Connection, list[Any] | None, int], Awaitable[Sequence[Any]]]


async def paginate(first: int | None, after: str | None, fetch: Fetch, *, node: Callable[[Any], T],
                   key: Callable[[Any], Sequence[Any]], shape: int | None = None,
                   dated: bool = False) -> Connection[T]:
    """A list resolver's paging, whole: check `first` and the cursor (of `shape` strings when given),
    fetch the page and one row more (it only says that a next page exists), build the Connection."""
    limit, after_key = page_args(first, after)
    if shape is not None:
        after_key = checked_cursor(after_key, shape, dated=dated)
    return connection(await fetch(after_key, limit), limit, node=node, key=key)


async def table_page(info: strawberry.Info, first: int | None, after: str | None, read: Read, *,
                     node: Callable[[Any], T], key: Callable[[Any], Sequence[Any]], shape: int | None = None,
                     dated: bool = False) -> Connection[T]:
    """`paginate` over the gateway's read models: `read` gets a pooled connection and the row count."""
    async def fetch(after_key: list[Any] | None, limit: int) -> Sequence[Any]:
        return await read_table(info, read, after_key, limit + 1)
    return await paginate(first, after, fetch, node=node, key=key, shape=shape, dated=dated)


def service_rows(answer: dict) -> list[Any]:
    """A service's page ({"items": […], "hasNextPage": …}) as `Fetch` rows (a placeholder for "more")."""
    return answer["items"] + ([None] if answer["hasNextPage"] else [])


# a read model query: (connection, **filters, after=decoded cursor or None, limit=how many rows to read)
Rows = Callable[..., Awaitable[Sequence[Any]]]


def sort_key(order: Sequence[str]) -> Callable[[Any], tuple[Any, ...]]:
    """A row's cursor key: its `order` columns, dates and times as ISO text (a cursor holds strings)."""
    return lambda r: tuple(r[c].isoformat() if isinstance(r[c], date) else r[c] for c in order)


async def rows_page(info: strawberry.Info, first: int | None, after: str | None, rows: Rows, where: dict[str, Any], *,
                    node: Callable[[Any], T], order: Sequence[str], dated: bool = False) -> Connection[T]:
    """`table_page` over `rows(conn, **where, after=…, limit=…)`, whose rows are sorted by the `order` columns:
    the cursor is their values (a forged one of another length is bad input)."""
    return await table_page(info, first, after, lambda conn, key, limit: rows(conn, **where, after=key, limit=limit),
                            node=node, key=sort_key(order), shape=len(order), dated=dated)


async def scoped_page(info: strawberry.Info, roles: Sequence[str], district: str | None, first: int | None,
                      after: str | None, rows: Rows, where: dict[str, Any] | None = None, *, node: Callable[[Any], T],
                      order: Sequence[str], dated: bool = False, min_position: str | None = None) -> Connection[T]:
    """`rows_page` of a list that `roles` may read, over the district the caller may see (`read_scope`): `rows`
    gets it as `district`, besides the other filters in `where`."""
    district = await read_scope(info, roles, district, min_position)
    return await rows_page(info, first, after, rows, {"district": district, **(where or {})}, node=node, order=order,
                           dated=dated)
