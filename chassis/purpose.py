"""The `purpose` of a read or change of personal data, which the audit records, travels in a request header
(`X-Purpose`, UTF-8 percent-encoded) or a body, never in a URL: URLs reach access logs, spans and proxies, and
a purpose may name a person ("受理张三的投诉"). A `purpose` in a query string is refused, so a client that still
sends one finds out instead of having its purpose silently dropped from the audit.
"""
from __future__ import annotations

from collections.abc import Awaitable, Callable
from urllib.parse import quote, unquote

from fastapi import Header, Request

from .errors import FieldError, ValidationFailed

HEADER = "X-Purpose"


def header_value(purpose: str) -> str:
    """What a client puts in the header (HTTP headers carry Latin-1; a purpose is Chinese text)."""
    return quote(purpose, safe="")


def purpose_header(*, required: bool = False, max_length: int = 100) -> Callable[..., Awaitable[str | None]]:
    """A FastAPI dependency: the request's purpose (None when absent and not `required`). Async although it
    awaits nothing: FastAPI runs a plain function in its thread pool, a thread hop on every request."""

    async def purpose(request: Request, x_purpose: str | None = Header(
            None, alias=HEADER, description="用途（记入审计），UTF-8 百分号编码；不放在 URL 中")) -> str | None:
        if "purpose" in request.query_params:
            raise ValidationFailed([FieldError("purpose", f"用途请放在请求头 {HEADER} 中，不要放在 URL 里（URL 会进入日志）",
                                               "header")])
        if x_purpose is None:
            if required:
                raise ValidationFailed([FieldError("purpose", "必填项，不能为空", "required")])
            return None
        try:
            value = unquote(x_purpose, errors="strict").strip()
        except UnicodeDecodeError:
            raise ValidationFailed([FieldError("purpose", "应为 UTF-8 百分号编码的文本", "format")]) from None
        if not value.isprintable() or (required and not value):
            raise ValidationFailed([FieldError("purpose", "不能为空，也不能含控制字符", "text")])
        if len(value) > max_length:
            raise ValidationFailed([FieldError("purpose", f"过长：不能超过 {max_length} 个字符", "too_long")])
        return value or None

    return purpose
