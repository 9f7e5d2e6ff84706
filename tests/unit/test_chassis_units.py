"""Chassis pieces without IO: envelope, tokens, HTTP error translation."""
from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from chassis.auth import TokenVerifier, issue_token
from chassis.dispatch import statement
from chassis.envelope import Envelope, from_kafka
from chassis.errors import Forbidden, Unauthenticated
from chassis.settings import Settings


def keypair():
    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    public = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    return private, public


SETTINGS = Settings()
PRIVATE, PUBLIC = keypair()
VERIFIER = TokenVerifier(SETTINGS, PUBLIC)


def test_envelope_round_trips_through_kafka_binary_mode():
    env = Envelope(id=uuid.uuid4(), type="xq.registry.youth.registered.v1", source="/xinqing/registry",
                   subject="youth-1", stream_version=3, time=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
                   data={"district": "110105"},
                   traceparent="00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", correlation_id="c1")
    headers = env.kafka_headers()
    names = dict(headers)
    assert names["ce_specversion"] == b"1.0" and names["ce_type"] == env.type.encode()
    assert names["traceparent"] == env.traceparent.encode()
    back = from_kafka(b"youth-1", env.kafka_value(), headers)
    assert back == env
    assert back.position == "youth-1@3"


def test_extension_attributes_survive_kafka_and_other_headers_are_ignored():
    env = Envelope(id=uuid.uuid4(), type="xq.t.v1", source="/t", subject="s-1", stream_version=1,
                   time=datetime(2026, 1, 2, tzinfo=UTC), data={}, extensions={"tenant": "bj", "partition": "7"})
    back = from_kafka(None, env.kafka_value(), env.kafka_headers() + [("x-unrelated", b"1")])
    assert back == env and list(back.extensions) == ["tenant", "partition"]


def test_a_valid_token_gives_roles_and_district():
    token = issue_token(PRIVATE, SETTINGS, roles=["station_staff"], district="110108", subject="u1")
    who = VERIFIER.verify(f"Bearer {token}")
    assert who.subject == "u1" and who.roles == {"station_staff"} and who.district == "110108"
    who.require("station_staff")
    with pytest.raises(Forbidden):
        who.require("admin")
    with pytest.raises(Forbidden):
        who.require_district("110105")


def test_acting_in_a_district_needs_the_role_first_then_the_district():
    who = VERIFIER.verify(f"Bearer {issue_token(PRIVATE, SETTINGS, roles=['station_staff'], district='110108')}")
    who.require_in("110108", "admin", "station_staff")
    with pytest.raises(Forbidden) as other_district:
        who.require_in("110105", "station_staff")
    with pytest.raises(Forbidden) as other_role:
        who.require_in("110105", "admin")  # the role is named, whatever the district
    assert (other_district.value.details["rule"], other_role.value.details["rule"]) == ("district", "role")


def claims(**over):
    now = int(time.time())
    return {"iss": SETTINGS.jwt_issuer, "aud": SETTINGS.jwt_audience, "sub": "x", "iat": now, "exp": now + 60,
            "roles": ["admin"], **over}


def hs256_with(secret: bytes, payload: dict) -> str:
    """The algorithm-confusion attack by hand (PyJWT refuses to sign HS256 with a PEM key): the
    verifier's own public key used as the HMAC secret."""
    import base64
    import hashlib
    import hmac
    import json

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    signing_input = f"{b64(json.dumps({'alg': 'HS256', 'typ': 'JWT'}).encode())}.{b64(json.dumps(payload).encode())}"
    return f"{signing_input}.{b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())}"


@pytest.mark.parametrize("name, token", [
    ("missing", None),
    ("not bearer", "Basic abc"),
    ("expired", jwt.encode(claims(exp=int(time.time()) - 10), PRIVATE, algorithm="ES256")),
    ("wrong audience", jwt.encode(claims(aud="someone-else"), PRIVATE, algorithm="ES256")),
    ("wrong issuer", jwt.encode(claims(iss="evil"), PRIVATE, algorithm="ES256")),
    ("wrongly signed", jwt.encode(claims(), keypair()[0], algorithm="ES256")),
    ("alg none", jwt.encode(claims(), None, algorithm="none")),
    ("hmac with the public key", jwt.api_jws.PyJWS().encode(
        jwt.utils.force_bytes(__import__("json").dumps(claims())), b"x" * 32, algorithm="HS256")),
    ("hmac with the real public key as secret", hs256_with(PUBLIC, claims())),
    ("garbage", "Bearer not.a.token"),
])
def test_bad_tokens_are_refused(name, token):
    header = token if token is None or token.startswith(("Basic", "Bearer")) else f"Bearer {token}"
    with pytest.raises(Unauthenticated):
        VERIFIER.verify(header)


def test_a_remembered_token_is_refused_once_it_expires(monkeypatch):
    token = jwt.encode(claims(exp=int(time.time()) + 60), PRIVATE, algorithm="ES256")
    verifier = TokenVerifier(SETTINGS, PUBLIC)
    assert verifier.verify(f"Bearer {token}").roles == {"admin"}  # verified, then remembered
    later = time.time() + 61
    monkeypatch.setattr("chassis.auth.time.time", lambda: later)
    with pytest.raises(Unauthenticated):
        verifier.verify(f"Bearer {token}")


def test_an_rsa_token_is_refused_by_an_ec_key():
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    token = jwt.encode(claims(), rsa_key, algorithm="RS256")
    with pytest.raises(Unauthenticated):
        VERIFIER.verify(f"Bearer {token}")


def test_unknown_roles_are_ignored_and_unknown_districts_refused():
    token = jwt.encode(claims(roles=["admin", "superuser"]), PRIVATE, algorithm="ES256")
    assert VERIFIER.verify(f"Bearer {token}").roles == {"admin"}
    bad = jwt.encode(claims(district="999999"), PRIVATE, algorithm="ES256")
    with pytest.raises(Unauthenticated):
        VERIFIER.verify(f"Bearer {bad}")


async def test_a_statement_handler_passes_the_named_fields_or_computed_values_in_order():
    calls = []

    class Conn:
        async def execute(self, sql, *args):
            calls.append((sql, args))

    event = Envelope(id=uuid.uuid4(), type="t", source="/t", subject="s-1", stream_version=1,
                     time=datetime.now(UTC), data={"b": 2, "a": 1, "unused": 3})
    await statement("UPDATE x SET b = $2 WHERE a = $1", "a", "b")(Conn(), event)
    await statement("UPDATE x SET b = $2 WHERE a = $1", "a", lambda data: data["b"] * 10)(Conn(), event)
    assert calls == [("UPDATE x SET b = $2 WHERE a = $1", (1, 2)), ("UPDATE x SET b = $2 WHERE a = $1", (1, 20))]
