"""gateway/app.py's share of a list page's CPU: answers written with orjson (GatewayRouter.encode_json) — the same
JSON as strawberry's json.dumps, and what orjson cannot write is still written by json.dumps — and start-up's
objects set apart from the garbage collector (settle_heap)."""
from __future__ import annotations

import gc
import json

import orjson
from strawberry.fastapi import GraphQLRouter

from gateway.app import GatewayRouter, settle_heap
from gateway.schema import schema

ROUTER = GatewayRouter(schema)


def test_an_answer_is_the_same_json_as_strawberrys_and_keeps_chinese_as_text():
    answer = {"data": {"stations": {"nodes": [{"id": "s1", "name": "站点1", "lat": 39.9, "services": ["REST"],
                                                "open": True, "note": None}]}},
              "errors": [{"message": "请求不符合 GraphQL 模式", "path": ["stations", 0], "extensions": {"code": "X"}}]}
    written = ROUTER.encode_json(answer)
    assert written == orjson.dumps(answer).decode()
    assert json.loads(written) == json.loads(GraphQLRouter.encode_json(ROUTER, answer)) == answer
    assert "站点1" in written  # the characters, not \u escapes


def test_an_answer_is_text_so_a_subscription_sends_text_frames():
    """strawberry sends what encode_json gives as a binary frame when it is bytes; graphql-transport-ws
    clients close the connection on one (the dashboard's live figures stayed 'offline')."""
    assert isinstance(ROUTER.encode_json({"type": "connection_ack"}), str)


def test_what_orjson_cannot_write_is_written_as_strawberry_would():
    big = {"data": {"n": 2**70}, "extensions": {1: "a key that is no text"}}
    assert ROUTER.encode_json(big) == GraphQLRouter.encode_json(ROUTER, big)


def test_start_up_objects_are_set_apart_from_the_collector_once_per_process(monkeypatch):
    frozen: list[str] = []
    monkeypatch.setattr(gc, "collect", lambda: frozen.append("collect"))
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append("freeze"))
    monkeypatch.setattr(gc, "get_freeze_count", lambda: 0)
    settle_heap()
    assert frozen == ["collect", "freeze"]  # start-up's garbage first, then the rest set apart
    monkeypatch.setattr(gc, "get_freeze_count", lambda: 170_000)  # another app in the same process
    settle_heap()
    assert frozen == ["collect", "freeze"]
