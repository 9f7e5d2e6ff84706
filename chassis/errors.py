"""Errors every service raises and how they reach a person: a stable code, the field, a sentence.

Messages are what people read on screen, so they are in 简体中文; codes and field names are API
names in English. The HTTP mapping lives in `chassis.http`, the GraphQL one in the gateway.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class FieldError:
    field: str
    message: str
    rule: str = "invalid"


class AppError(Exception):
    """Each error names its stable code and HTTP status on its class line:
    `class NotFound(AppError, code="NOT_FOUND", status=404)`."""

    code = "ERROR"
    status = 400

    def __init_subclass__(cls, *, code: str, status: int, **kwargs: Any):
        super().__init_subclass__(**kwargs)
        cls.code, cls.status = code, status

    def __init__(self, message: str, **details: Any):
        super().__init__(message)
        self.message = message
        self.details = details

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.details}


class ValidationFailed(AppError, code="VALIDATION", status=422):
    """Bad input; names every offending field at once so a form can mark them all."""

    def __init__(self, errors: list[FieldError]):
        self.errors = errors
        summary = "；".join(f"{e.field}：{e.message}" for e in errors)
        super().__init__(f"输入有误：{summary}")

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message,
                "errors": [{"field": e.field, "rule": e.rule, "message": e.message} for e in self.errors]}


class RuleViolated(AppError, code="RULE_VIOLATED", status=409):
    """A valid request that the current state forbids (e.g. approving a closed application)."""

    def __init__(self, message: str, rule: str, **details: Any):
        super().__init__(message, rule=rule, **details)


class Duplicate(AppError, code="DUPLICATE", status=409):
    """What is to be created exists already (e.g. a mobile number registered before)."""


class NotFound(AppError, code="NOT_FOUND", status=404):
    """No such record, or none the caller may learn of."""


class VersionConflict(AppError, code="CONFLICT", status=409):
    """Optimistic concurrency: someone else changed the stream; the caller reloads and retries."""

    def __init__(self, stream_id: str, expected: int, current: int):
        super().__init__(f"记录已被他人修改（当前版本 {current}，请求基于版本 {expected}），请刷新后重试。",
                         current_version=current)
        self.current = current
        self.stream_id = stream_id


class Unauthenticated(AppError, code="UNAUTHENTICATED", status=401):
    """No token, or one that is not valid (expired, wrongly signed)."""


class Forbidden(AppError, code="FORBIDDEN", status=403):
    """The caller's role, district or department may not do this; `rule` says which."""


class Unavailable(AppError, code="UNAVAILABLE", status=503):
    """The database or another service cannot be reached now; `retry_after` seconds to wait."""

    def __init__(self, message: str = "服务暂时不可用（数据库无法连接），请稍后重试。", retry_after: int = 5):
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(AppError, code="RATE_LIMITED", status=429):
    """Too many calls of a kind by one caller in a window; `retry_after` seconds until the next may go."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message, retryAfter=retry_after)
        self.retry_after = retry_after


@dataclass
class Collector:
    """Gathers field errors from a validation pass and raises them together."""

    errors: list[FieldError] = field(default_factory=list)

    def add(self, field_name: str, message: str, rule: str = "invalid") -> None:
        self.errors.append(FieldError(field_name, message, rule))

    def raise_if_any(self) -> None:
        if self.errors:
            raise ValidationFailed(self.errors)
