"""What every HTTP service shares: error bodies, the caller's identity, health, trace context.

Error body (all services): {"code": "...", "message": "<中文>", "errors": [{"field", "rule", "message"}]}.
A database that is down or out of a resource (a full disk) answers 503 with Retry-After, logged for ops; an
unexpected error answers 500 without a traceback (the trace id is logged and returned so ops can find it).
"""
from __future__ import annotations

import logging
import unicodedata
from functools import cache
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from opentelemetry import trace
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator, model_validator
from pydantic.alias_generators import to_camel
from pydantic_core import PydanticCustomError

from .db import UNAVAILABLE_ERRORS
from .errors import AppError, FieldError, RateLimited, Unavailable, ValidationFailed
from .text import is_multiline, text_fault

log = logging.getLogger(__name__)

_PYDANTIC_MESSAGES = {
    "missing": ("required", "必填项，不能为空"),
    "extra_forbidden": ("unknown_field", "不是可接受的字段"),
    "string_type": ("type", "应为文本"),
    "int_type": ("type", "应为整数"),
    "int_parsing": ("type", "应为整数"),
    "float_parsing": ("type", "应为数字"),
    "bool_type": ("type", "应为 true 或 false"),
    "list_type": ("type", "应为列表"),
    "dict_type": ("type", "应为对象"),
    "model_type": ("type", "应为对象"),
    "date_from_datetime_parsing": ("format", "日期格式应为 YYYY-MM-DD"),
    "date_parsing": ("format", "日期格式应为 YYYY-MM-DD"),
    "date_type": ("format", "日期格式应为 YYYY-MM-DD"),
    "datetime_parsing": ("format", "时间格式应为 ISO 8601"),
    "uuid_parsing": ("format", "应为 UUID"),
    "string_too_long": ("too_long", "过长"),
    "string_too_short": ("too_short", "过短"),
    "json_invalid": ("json", "请求体不是有效的 JSON"),
}


def field_errors(exc: RequestValidationError) -> list[FieldError]:
    out = []
    for err in exc.errors():
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        name = ".".join(loc) or "body"
        kind = err.get("type", "")
        if kind == "enum" or kind == "literal_error":
            allowed = err.get("ctx", {}).get("expected", "")
            rule, msg = "enum", f"取值无效，应为 {allowed} 之一"
        elif kind in ("too_long", "too_short"):
            rule, msg = kind, "项数不符合要求"
        elif kind == "string_too_long":
            rule, msg = "too_long", f"过长：不能超过 {err.get('ctx', {}).get('max_length')} 个字符"
        elif kind in ("blank", "control"):  # chassis.text's rule (ApiModel._text); `at` is the place in a list
            rule, msg = kind, str(err.get("msg"))
            name += str(err.get("ctx", {}).get("at", ""))
        elif kind.startswith("value_error"):
            rule, msg = "invalid", str(err.get("ctx", {}).get("error", err.get("msg")))
        else:
            rule, msg = _PYDANTIC_MESSAGES.get(kind, ("invalid", "取值无效"))
        out.append(FieldError(name, msg, rule))
    return out


class ApiModel(BaseModel):
    """Request bodies: camelCase like the GraphQL schema, unknown fields refused, bounded strings, and no
    blank or control-character text in any field at any depth (chassis.text's rule)."""

    model_config = ConfigDict(extra="forbid", alias_generator=to_camel, populate_by_name=True, str_max_length=200)

    @field_validator("*", mode="before")
    @classmethod
    def _text(cls, value: Any, info: ValidationInfo) -> Any:
        """Blank or control-character text is refused in every field (absent / None is fine). Runs on every
        given field; lists of text are walked here. A dict is a nested body that checks its own fields (its
        names say which text is multi-line), or free-form data checked where it becomes a body (a bulk row's
        data is validated row by row as a RegisterYouthRequest: one bad row is reported, the others go on)."""
        if isinstance(value, str | list):  # numbers, dates, nested bodies: nothing to check here
            _check_text(value, _multiline(cls, info.field_name or ""), "")
        return value

    @model_validator(mode="before")
    @classmethod
    def _nfc(cls, data: Any) -> Any:
        """Text is stored in Unicode NFC: "é" typed as e + combining accent and as one character are the
        same name, compare equal and count the same length (nested models normalise themselves)."""
        return _normalised(data) if isinstance(data, dict) else data


@cache
def _multiline(model: type[BaseModel], name: str) -> bool:
    """Whether the field `name` of `model` holds multi-line text, looked up once per field (it runs on every
    field of every request body: a bulk import's 500 rows × 15 fields)."""
    return is_multiline(model.model_fields[name].alias or name) if name else False


def _check_text(value: object, multiline: bool, at: str) -> None:
    if isinstance(value, str):
        if fault := text_fault(value, multiline=multiline):
            raise PydanticCustomError(fault.rule, fault.message, {"at": at} if at else None)
    elif isinstance(value, list):
        for i, item in enumerate(value):
            _check_text(item, multiline, f"{at}.{i}")


def _normalised(value: object) -> object:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    return value


class Accepted(BaseModel):
    """What every command answers (see chassis.commands.accepted)."""

    id: str
    version: int
    position: str


def _trace_id() -> str | None:
    ctx = trace.get_current_span().get_span_context()
    return format(ctx.trace_id, "032x") if ctx.is_valid else None


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(AppError)
    async def app_error(_: Request, exc: AppError) -> JSONResponse:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, Unavailable | RateLimited) else None
        return JSONResponse(exc.body(), status_code=exc.status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def bad_request(_: Request, exc: RequestValidationError) -> JSONResponse:
        failed = ValidationFailed(field_errors(exc))
        return JSONResponse(failed.body(), status_code=422)

    async def database_down(_: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, asyncpg.exceptions.InsufficientResourcesError):
            failed = Unavailable("服务暂时不可用（数据库存储空间或内存不足，已通知运维），请稍后重试。", retry_after=30)
        else:
            failed = Unavailable()
        # the class only: a server's message may quote the values of the statement
        log.warning("database unavailable", extra={"error": type(exc).__name__, "trace_id": _trace_id()})
        return JSONResponse(failed.body(), status_code=503, headers={"Retry-After": str(failed.retry_after)})

    for kind in UNAVAILABLE_ERRORS:
        app.add_exception_handler(kind, database_down)

    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        trace_id = _trace_id()
        log.exception("unexpected error", extra={"trace_id": trace_id})
        return JSONResponse({"code": "INTERNAL", "message": "服务器内部错误，已记录，请联系运维人员。",
                             "trace_id": trace_id}, status_code=500)



# Every operation may answer these (auth, missing aggregate, rule or version conflict, bad input, database
# down); the OpenAPI document says so, with the shared error body, so clients and schemathesis
# (tests/e2e/test_openapi_fuzz.py) can rely on it.
ERROR_RESPONSES = {"401": "未认证（缺少或无效的令牌）", "403": "无权限", "404": "未找到", "409": "冲突（规则或版本）",
                   "422": "输入无效（逐字段说明）",
                   "429": "调用过于频繁（带 Retry-After）", "503": "暂时不可用（带 Retry-After），请稍后重试"}
ERROR_BODY = {"type": "object", "required": ["code", "message"], "additionalProperties": True,
              "properties": {"code": {"type": "string"}, "message": {"type": "string"},
                             "errors": {"type": "array", "items": {"type": "object", "properties": {
                                 "field": {"type": "string"}, "rule": {"type": "string"},
                                 "message": {"type": "string"}}}}}}


def declare_error_responses(app: FastAPI) -> None:
    """Add the shared error answers to every operation of the app's OpenAPI document (built lazily, so
    routers included after this call are covered too)."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema:
            return app.openapi_schema
        doc = build()
        doc.setdefault("components", {}).setdefault("schemas", {})["ErrorBody"] = ERROR_BODY
        ref = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
        for path, item in doc.get("paths", {}).items():
            if path.startswith("/health/") or path == "/metrics":
                continue
            for operation in item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_RESPONSES.items():
                    responses[status] = {"description": description, "content": ref}
        app.openapi_schema = doc
        return doc

    app.openapi = openapi  # type: ignore[method-assign]  # FastAPI's documented way to extend the document
