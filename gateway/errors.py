"""Typed, stable GraphQL errors: every error carries `extensions.code`.

UNAUTHENTICATED · FORBIDDEN · VALIDATION (with the fields) · CONFLICT (with the current version) ·
DUPLICATE · RULE_VIOLATED · NOT_FOUND · UNAVAILABLE · INTERNAL (masked, with the trace id).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator

from graphql import DocumentNode, GraphQLError, GraphQLSchema
from opentelemetry import trace
from strawberry.extensions import SchemaExtension

from chassis.db import UNAVAILABLE_ERRORS
from chassis.errors import AppError, Unavailable

from .enum_errors import enum_error

log = logging.getLogger(__name__)


class ServiceError(Exception):
    """An error answered by a service, carried to the GraphQL client as-is."""

    def __init__(self, body: dict):
        super().__init__(body.get("message", "服务返回错误"))
        self.body = body


def _extensions(exc: BaseException | None) -> dict | None:
    if isinstance(exc, AppError):
        return exc.body()
    if isinstance(exc, ServiceError):
        return exc.body
    if isinstance(exc, UNAVAILABLE_ERRORS):  # the gateway's own database is down (tests/faults): retry later
        down = Unavailable()
        return {**down.body(), "retryAfter": down.retry_after}
    return None


# strawberry's limiters answer in English without a code; these patterns give them the stable code, the
# broken rule and a sentence in Chinese. (The cost rule and the body-size limit set their own.)
LIMIT_MESSAGES = [
    (re.compile(r"exceeds maximum operation depth of (\d+)"), "depth", "查询嵌套过深（上限 {0} 层）。"),
    (re.compile(r"aliases found\. Allowed: (\d+)"), "aliases", "查询中的别名过多（上限 {0} 个）。"),
    (re.compile(r"more than (\d+) tokens"), "tokens", "查询过长（上限 {0} 个词法单元）。"),
    (re.compile(r"nested too deeply"), "depth", "查询嵌套过深。"),
    (re.compile(r"introspection has been disabled", re.I), "introspection", "本环境已关闭模式自省（introspection）。"),
]


def _limit(error: GraphQLError) -> tuple[dict, str] | None:
    for pattern, rule, message in LIMIT_MESSAGES:
        found = pattern.search(error.message)
        if found:
            return {"code": "VALIDATION", "rule": rule}, message.format(*found.groups())
    return None


class ErrorCodes(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is None or not getattr(result, "errors", None):
            return
        context = self.execution_context
        result.errors = [self._coded(e, context.schema._schema, context.graphql_document) for e in result.errors]

    def on_stream_result(self, result) -> Iterator[None]:
        """Subscriptions: every streamed result gets the same typed errors."""
        if getattr(result, "errors", None):
            context = self.execution_context
            result.errors = [e if (e.extensions or {}).get("code")
                             else self._coded(e, context.schema._schema, context.graphql_document)
                             for e in result.errors]
        yield

    @staticmethod
    def _coded(error: GraphQLError, schema: GraphQLSchema | None = None,
               document: DocumentNode | None = None) -> GraphQLError:
        original = error.original_error
        body = _extensions(original)
        limit = (_limit(error) or enum_error(error, schema, document)) \
            if original is None or isinstance(original, GraphQLError) else None
        if error.extensions and "code" in error.extensions:  # already typed (e.g. the cost rule)
            return error
        if limit is not None:
            extensions, message = limit
        elif body is not None:
            extensions = {k: v for k, v in body.items() if k != "message"}
            if body.get("errors"):
                extensions["field"] = body["errors"][0]["field"]
            message = body.get("message", str(original))
        elif original is None or isinstance(original, GraphQLError):  # the document or variables: syntax,
            # unknown field, wrong type, unknown enum value
            extensions, message = {"code": "VALIDATION"}, f"请求不符合 GraphQL 模式：{error.message}"
        else:
            ctx = trace.get_current_span().get_span_context()
            trace_id = format(ctx.trace_id, "032x") if ctx.is_valid else None
            log.error("unexpected resolver error", exc_info=original, extra={"trace_id": trace_id})
            extensions, message = {"code": "INTERNAL", "trace_id": trace_id}, "服务器内部错误，已记录，请联系运维人员。"
        return GraphQLError(message, nodes=error.nodes, source=error.source, positions=error.positions,
                            path=error.path, original_error=None, extensions=extensions)
