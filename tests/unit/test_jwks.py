"""Tokens checked against a JWKS URL never wait for the identity provider on the event loop: the key set is
fetched at start-up and, for a key id not yet held, in the background (chassis/jwks.py)."""
from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from chassis.auth import TokenVerifier
from chassis.errors import Unauthenticated, Unavailable
from chassis.settings import Settings

KEYS = {kid: rsa.generate_private_key(public_exponent=65537, key_size=2048) for kid in ("k1", "k2", "k3")}


class Provider:
    """An identity provider's JWKS endpoint that answers slowly and whose key set can rotate."""

    def __init__(self, delay: float):
        self.delay, self.kids, self.fetches = delay, ["k1"], 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                provider.fetches += 1
                time.sleep(provider.delay)
                keys = [{**json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEYS[k].public_key())), "kid": k,
                         "use": "sig", "alg": "RS256"} for k in provider.kids]
                body = json.dumps({"keys": keys}).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/jwks.json"


@pytest.fixture
def provider() -> Iterator[Provider]:
    p = Provider(delay=1.0)
    thread = threading.Thread(target=p.server.serve_forever, daemon=True)
    thread.start()
    yield p
    p.server.shutdown()


def token(settings: Settings, kid: str) -> str:
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "ops-1", "roles": ["admin"],
              "exp": int(time.time()) + 600}
    return "Bearer " + jwt.encode(claims, KEYS[kid], algorithm="RS256", headers={"kid": kid})


async def test_a_rotated_key_is_fetched_in_the_background_and_no_request_waits_for_the_provider(provider):
    settings = Settings(jwt_jwks_url=provider.url)
    verifier = TokenVerifier(settings, None)
    await verifier.load_keys()  # start-up: in a worker thread
    assert verifier.verify(token(settings, "k1")).subject == "ops-1"
    assert verifier.jwks is not None
    verifier.jwks.min_refresh_seconds = 0.0  # the last fetch is old enough to fetch again

    provider.kids = ["k1", "k2"]  # the provider rotates; its endpoint takes a second to answer
    started = time.monotonic()
    with pytest.raises(Unavailable) as refused:
        verifier.verify(token(settings, "k2"))
    assert time.monotonic() - started < 0.5, "the check waited for the provider"
    assert refused.value.retry_after == 1

    deadline = time.monotonic() + 10
    while True:  # the client retries as Retry-After says
        try:
            assert verifier.verify(token(settings, "k2")).subject == "ops-1"
            break
        except Unavailable:
            assert time.monotonic() < deadline, "the background fetch never completed"
            await asyncio.sleep(0.1)


async def test_a_key_id_the_provider_does_not_have_is_an_invalid_token_and_fetches_are_bounded(provider):
    settings = Settings(jwt_jwks_url=provider.url)
    verifier = TokenVerifier(settings, None)
    await verifier.load_keys()
    fetched = provider.fetches
    for _ in range(50):  # made-up key ids just after a fetch: refused outright, no new fetch
        with pytest.raises(Unauthenticated):
            verifier.verify(token(settings, "k3"))
    assert provider.fetches == fetched
