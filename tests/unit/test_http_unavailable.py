"""The chassis's answer when the database cannot take a request: 503 with Retry-After and a sentence a user
understands, logged for ops by the error's class only — never a 500. A full disk once answered 500 to the
city seed (bench/backup_drill.py at 1.7 M people: PostgreSQL's `could not extend file …: No space left on
device`); a full disk is the database being unavailable, not a defect of the request."""
from __future__ import annotations

import logging

import asyncpg
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from chassis.http import install_error_handlers

SERVER_MESSAGE = 'could not extend file "base/16542/16620": No space left on device, row 13800138000'


def app_raising(exc: Exception) -> TestClient:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/youth")
    async def register() -> None:
        raise exc

    return TestClient(app, raise_server_exceptions=False)


@pytest.mark.parametrize("exc", [asyncpg.exceptions.DiskFullError(SERVER_MESSAGE),
                                 asyncpg.exceptions.OutOfMemoryError(SERVER_MESSAGE),
                                 asyncpg.exceptions.TooManyConnectionsError(SERVER_MESSAGE)])
def test_a_database_out_of_disk_memory_or_connections_answers_503_to_retry_later(exc, caplog):
    with caplog.at_level(logging.WARNING, logger="chassis.http"):
        answer = app_raising(exc).post("/youth")
    assert answer.status_code == 503
    assert answer.headers["retry-after"] == "30"
    assert answer.json()["code"] == "UNAVAILABLE" and "请稍后重试" in answer.json()["message"]
    logged = [r for r in caplog.records if r.getMessage() == "database unavailable"]
    assert [r.error for r in logged] == [type(exc).__name__]  # type: ignore[attr-defined]
    assert SERVER_MESSAGE not in caplog.text and "13800138000" not in answer.text  # the class, not the values


def test_a_database_that_is_gone_answers_503_with_the_usual_wait():
    answer = app_raising(asyncpg.exceptions.CannotConnectNowError("the database system is starting up")).post("/youth")
    assert answer.status_code == 503 and answer.headers["retry-after"] == "5"
    assert "数据库无法连接" in answer.json()["message"]


def test_anything_else_unexpected_is_a_500_without_a_traceback():
    answer = app_raising(RuntimeError("a defect")).post("/youth")
    assert answer.status_code == 500 and answer.json()["code"] == "INTERNAL"
    assert "a defect" not in answer.text and "Traceback" not in answer.text
