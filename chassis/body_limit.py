"""Refuse an oversized request body with HTTP 413 before anything parses it (every service, the gateway too).

A body is counted by its Content-Length or, without one, as it streams in; the limit is a setting per
service (`Settings.max_body_bytes`). The answer's body is the caller's shape: the services' error body by
default, the gateway a GraphQL one.
"""
from __future__ import annotations

from collections.abc import Callable

import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send


def service_refusal(max_bytes: int) -> bytes:
    """The services' error body (chassis.errors' shape: code and message)."""
    return orjson.dumps({"code": "PAYLOAD_TOO_LARGE", "message": f"请求体过大（上限 {max_bytes} 字节）。",
                         "max_bytes": max_bytes})


class BodySizeLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413 and `refusal(max_bytes)` as its body.

    The rest of the body is read and dropped (a chunk at a time, up to `drain_bytes`) before answering: a
    client still uploading when the server closes the connection sees a broken pipe, not the 413."""

    def __init__(self, app: ASGIApp, max_bytes: int, drain_bytes: int = 16 * 1024 * 1024,
                 refusal: Callable[[int], bytes] = service_refusal):
        self.app = app
        self.max_bytes = max_bytes
        self.drain_bytes = drain_bytes
        self.refusal = refusal

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or ()).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._drain(receive, 0)
            await self._refuse(send)
            return
        received = 0
        started = refused = False

        async def counting_receive() -> Message:
            # Over the limit: answer 413 here and tell the app the client has gone, so it stops reading
            # (an exception raised through the app's middleware would reach the client as a 500).
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    if message.get("more_body", False):
                        await self._drain(receive, received)
                    if not started:
                        await self._refuse(send)
                    refused = True
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if refused:
                return  # the 413 has been sent; whatever the app says after the disconnect is dropped
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except Exception:
            if not refused:
                raise

    async def _drain(self, receive: Receive, already: int) -> None:
        while already <= self.drain_bytes:
            message = await receive()
            if message["type"] != "http.request" or not message.get("more_body", False):
                return
            already += len(message.get("body", b""))

    async def _refuse(self, send: Send) -> None:
        body = self.refusal(self.max_bytes)
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})
