"""The gateway writes its answers with orjson (gateway/app.py, GatewayRouter.encode_json): the same JSON as
strawberry's json.dumps, and what orjson cannot write is still written by json.dumps."""
from __future__ import annotations

import json

import orjson
from strawberry.fastapi import GraphQLRouter

from gateway.app import GatewayRouter
from gateway.schema import schema

ROUTER = GatewayRouter(schema)


def test_an_answer_is_the_same_json_as_strawberrys_and_keeps_chinese_as_text():
    answer = {"data": {"stations": {"nodes": [{"id": "s1", "name": "站点1", "lat": 39.9, "services": ["REST"],
                                                "open": True, "note": None}]}},
              "errors": [{"message": "请求不符合 GraphQL 模式", "path": ["stations", 0], "extensions": {"code": "X"}}]}
    written = ROUTER.encode_json(answer)
    assert written == orjson.dumps(answer)
    assert json.loads(written) == json.loads(GraphQLRouter.encode_json(ROUTER, answer)) == answer
    assert "站点1".encode() in written  # UTF-8, not \u escapes


def test_what_orjson_cannot_write_is_written_as_strawberry_would():
    big = {"data": {"n": 2**70}, "extensions": {1: "a key that is no text"}}
    assert ROUTER.encode_json(big) == GraphQLRouter.encode_json(ROUTER, big)
