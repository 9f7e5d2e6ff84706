"""Abusive and malformed GraphQL requests against the real gateway over HTTP (uvicorn, real PostgreSQL):
every one is a clear error — HTTP 4xx, or a GraphQL error with `extensions.code` and a message in
Chinese — never a 500, and never a hang (the client gives up after CLIENT_TIMEOUT seconds).

The gateway runs with the production default for introspection (off) and the default limits, so these
are the limits a deployment has. Only documents are sent: none of them reaches a service."""
from __future__ import annotations

import re

import httpx
import pytest

from gateway.app import create_app as create_gateway
from tests.support import bearer, served

CLIENT_TIMEOUT = 15  # seconds; a request that takes longer fails the test (a hang)
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def abuse_settings(settings):
    # introspection as production has it (unset → off because environment=production would say so)
    return settings.model_copy(update={"graphql_introspection": False})


@pytest.fixture(scope="module")
async def http(abuse_settings):
    async with served(create_gateway(abuse_settings)) as base:
        async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT) as client:
            yield client


@pytest.fixture(scope="module")
def admin(token) -> dict:
    return bearer(token("admin"))


def clear_error(response: httpx.Response, status: int = 200) -> dict:
    """The answer is the expected status with a typed GraphQL error in Chinese; returns the first error."""
    assert response.status_code == status, (response.status_code, response.text[:500])
    body = response.json()
    assert body.get("errors"), body
    error = body["errors"][0]
    assert error["extensions"]["code"], error
    assert CHINESE.search(error["message"]), error
    return error


async def post(http, admin, query: str, variables: dict | None = None, **extra) -> httpx.Response:
    return await http.post("/graphql", json={"query": query, "variables": variables or {}, **extra}, headers=admin)


async def test_a_deeply_nested_document_is_refused_without_recursing(http, admin):
    deep = "{ dashboard " + "{ youth " * 3000 + "{ total }" + " }" * 3001
    error = clear_error(await post(http, admin, deep))
    assert error["extensions"] == {"code": "VALIDATION", "rule": "depth"}  # the parser's own limit, before tokens
    nested = "{ dashboard { youth { byDistrict { district } } } }".replace("district }", "a { b { c { d { e { f { g "
                                                                         "{ h { i { j { k } } } } } } } } } }")
    error = clear_error(await post(http, admin, nested))
    assert error["extensions"]["code"] == "VALIDATION"


async def test_wide_queries_and_many_aliases_are_refused(http, admin):
    wide = clear_error(await post(http, admin, "{ districts { " + "code " * 5000 + "} }"))
    assert wide["extensions"]["rule"] == "tokens"
    aliases = " ".join(f"a{i}: districts {{ code }}" for i in range(40))
    assert clear_error(await post(http, admin, "{ " + aliases + " }"))["extensions"]["rule"] == "aliases"


async def test_a_batch_of_operations_is_refused_clearly(http, admin):
    one = {"query": "{ districts { code } }"}
    response = await http.post("/graphql", json=[one, one, one], headers=admin)
    error = clear_error(response, 400)
    assert error["extensions"] == {"code": "VALIDATION", "rule": "batch"}


async def test_oversized_bodies_and_variables_get_413_before_parsing(http, admin):
    huge_variables = await post(http, admin, "query($s: String) { districts { code } }", {"s": "字" * 1_000_000})
    assert clear_error(huge_variables, 413)["extensions"]["rule"] == "body_size"
    megabyte_query = await post(http, admin, "{ districts { code } }" + " " * (1 << 20))
    assert clear_error(megabyte_query, 413)["extensions"]["rule"] == "body_size"

    async def streamed():  # no Content-Length: counted while it streams in
        yield b'{"query": "{ districts { code } }", "pad": "'
        for _ in range(200):
            yield b"x" * 8192
        yield b'"}'

    chunked = await http.post("/graphql", content=streamed(), headers={**admin, "content-type": "application/json"})
    assert clear_error(chunked, 413)["extensions"]["rule"] == "body_size"


async def test_malformed_json_and_wrong_shapes_are_client_errors(http, admin):
    for body in (b'{"query": "{ districts { code } }"', b"\xff\xfe not json", b"", b'"just a string"', b"42",
                 b'{"query": 42}', b'{"query": "{ districts { code } }", "variables": "nope"}'):
        response = await http.post("/graphql", content=body, headers={**admin, "content-type": "application/json"})
        assert 400 <= response.status_code < 500, (body, response.status_code, response.text[:300])
        error = clear_error(response, response.status_code)
        assert error["extensions"]["code"] == "VALIDATION", (body, error)


async def test_wrong_variable_types_unknown_fields_and_huge_pages_name_the_problem(http, admin):
    wrong = clear_error(await post(http, admin, "query($f: Int) { dashboard { registrationsPerWeek(first: $f) "
                                                "{ nodes { week } } } }", {"f": "many"}))
    assert wrong["extensions"]["code"] == "VALIDATION" and "$f" in wrong["message"]
    unknown = clear_error(await post(http, admin, "{ districts { code secretField } }"))
    assert unknown["extensions"]["code"] == "VALIDATION" and "secretField" in unknown["message"]
    for first in ("100000000000", "2147483647", "-1"):
        huge = clear_error(await post(http, admin, "{ dashboard { registrationsPerWeek(first: " + first
                                      + ") { nodes { week } } } }"))
        assert huge["extensions"]["code"] == "VALIDATION", (first, huge)


async def test_fragment_cycles_are_refused_without_recursing(http, admin):
    cycle = """{ dashboard { ...a } }
      fragment a on Dashboard { youth { total } ...b }
      fragment b on Dashboard { available ...a }"""
    error = clear_error(await post(http, admin, cycle))
    assert error["extensions"]["code"] == "VALIDATION" and "a" in error["message"]


async def test_many_operations_need_an_operation_name(http, admin):
    document = " ".join(f"query q{i} {{ districts {{ code }} }}" for i in range(50))
    error = clear_error(await post(http, admin, document))
    assert error["extensions"]["code"] == "VALIDATION"
    assert error["extensions"]["rule"] == "operation" and "operationName" in error["message"]
    unknown = clear_error(await post(http, admin, document, operationName="nope"), 400)
    assert unknown["extensions"] == {"code": "VALIDATION", "rule": "operation"}
    chosen = (await post(http, admin, document, operationName="q7")).json()
    assert "errors" not in chosen and chosen["data"]["districts"]


async def test_introspection_is_off_in_production(http, admin):
    for probe in ("{ __schema { types { name } } }", '{ __type(name: "Query") { fields { name } } }'):
        error = clear_error(await post(http, admin, probe))
        assert error["extensions"] == {"code": "VALIDATION", "rule": "introspection"}


async def test_a_query_over_get_and_a_mutation_over_get(http, admin):
    ok = await http.get("/graphql", params={"query": "{ districts { code } }"}, headers=admin)
    assert ok.status_code == 200 and ok.json()["data"]["districts"]
    mutation = await http.get("/graphql", params={"query": 'mutation { eraseYouth(id: "x") { id } }'}, headers=admin)
    assert clear_error(mutation, 405 if mutation.status_code == 405 else 400)["extensions"]["rule"] == "method"
    # a long query string in the URL (no body to limit): the token limit holds
    long_url = await http.get("/graphql", params={"query": "{ districts { " + "code " * 12_000 + "} }"}, headers=admin)
    assert clear_error(long_url)["extensions"]["rule"] == "tokens"


async def test_bad_tokens_are_refused_by_the_gateway(http, settings, private_key):
    import time

    import jwt
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    from tests.unit.test_chassis_units import hs256_with

    now = int(time.time())
    claims = {"iss": settings.jwt_issuer, "aud": settings.jwt_audience, "sub": "x", "iat": now, "exp": now + 60,
              "roles": ["admin"]}
    other_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    public = (settings.keys_dir / "jwt-public.pem").read_bytes()
    bad = {
        "expired": jwt.encode({**claims, "exp": now - 10}, private_key, algorithm="ES256"),
        "wrongly signed": jwt.encode(claims, other_key, algorithm="ES256"),
        "wrong audience": jwt.encode({**claims, "aud": "someone-else"}, private_key, algorithm="ES256"),
        "alg none": jwt.encode(claims, None, algorithm="none"),
        "HS256 with the public key": hs256_with(public, claims),
    }
    assert "errors" not in (await post(http, bearer(jwt.encode(claims, private_key, algorithm="ES256")),
                                       "{ districts { code } }")).json()  # the same claims, rightly signed
    for name, bad_token in bad.items():
        error = clear_error(await post(http, bearer(bad_token), "{ districts { code } }"))
        assert error["extensions"]["code"] == "UNAUTHENTICATED", name
