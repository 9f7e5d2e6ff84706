"""Requests the GraphQL view cannot run at all — malformed JSON, a batch, a body of the wrong shape, no
operation or an ambiguous one, a mutation over GET — answered like every other refusal: JSON, a typed
error with `extensions.code = VALIDATION`, the broken `rule` and a sentence in Chinese (strawberry's
own answer is an English plain-text 400)."""
from __future__ import annotations

import json

from cross_web import HTTPException
from starlette.responses import JSONResponse
from strawberry.types.unset import UNSET

# strawberry's reason (its start) → (rule, message)
REASONS = [
    ("Unable to parse request body as JSON", "json", "请求体不是有效的 JSON。"),
    ("Batching is not enabled", "batch", "不支持批量请求：请每次只发送一个 GraphQL 操作（JSON 对象，而非数组）。"),
    ("Too many operations", "batch", "不支持批量请求：请每次只发送一个 GraphQL 操作。"),
    ("The request body must be a JSON object", "shape", "请求体应为 JSON 对象：{\"query\": …, \"variables\": {…}}。"),
    ("The GraphQL operation's `query`", "shape", "query 应为字符串。"),
    ("The GraphQL operation's `variables`", "shape", "variables 应为 JSON 对象。"),
    ("The GraphQL operation's `extensions`", "shape", "extensions 应为 JSON 对象。"),
    ("No GraphQL query found", "query_missing", "请求中没有 GraphQL 查询（query）。"),
    ("Unsupported content type", "content_type", "不支持的请求类型：请使用 Content-Type: application/json。"),
    ("are not allowed when using GET", "method", "变更和订阅操作只能用 POST（或 WebSocket）发送。"),
    ("Unknown operation named", "operation", "operationName 指定的操作在文档中不存在。"),
    ("Can't get GraphQL operation type", "operation", "无法确定要执行的操作：文档含多个操作时请用 operationName "
                                                       "指定一个已有的操作。"),
]


def refusal(error: HTTPException) -> JSONResponse:
    rule, message = "request", f"请求无法处理：{error.reason}"
    for start, known_rule, known_message in REASONS:
        if error.reason.startswith(start) or start in error.reason:
            rule, message = known_rule, known_message
            break
    return JSONResponse({"data": None, "errors": [{"message": message, "extensions": {"code": "VALIDATION",
                                                                                       "rule": rule}}]},
                        status_code=error.status_code if 400 <= error.status_code < 500 else 400)


class TypedRequestErrors:
    """Mixed into the gateway's GraphQLRouter (before it)."""

    def parse_json(self, data: str | bytes):
        try:
            parsed = json.loads(data)
        except ValueError:  # also bytes that are no text at all (UnicodeDecodeError)
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(parsed, dict | list):
            raise HTTPException(400, "The request body must be a JSON object")
        return parsed

    async def run(self, request, context=UNSET, root_value=UNSET):
        try:
            return await super().run(request, context=context, root_value=root_value)
        except HTTPException as error:
            if getattr(request, "scope", {}).get("type") != "http":
                raise
            return refusal(error)
