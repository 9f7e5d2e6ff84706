"""Abusive-query limits of the gateway's schema, and the per-request DataLoader (no servers needed:
validation refuses these documents before any resolver runs)."""
from __future__ import annotations

import asyncio
from types import SimpleNamespace

from chassis.settings import Settings
from gateway.schema import Context, build_schema

SMALL = Settings(graphql_max_depth=2, graphql_max_aliases=2, graphql_max_tokens=40, graphql_max_cost=50,
                 graphql_introspection=False)


async def errors_of(query: str, settings: Settings = SMALL) -> list[dict]:
    # a caller is known (reference data needs one); these documents never reach the read models
    result = await build_schema(settings).execute(query, context_value=SimpleNamespace(principal="someone"))
    return [e.formatted for e in result.errors or []]


async def test_depth_limit():
    deep = await errors_of("{ dashboard { registrationsPerWeek { pageInfo { hasNextPage } } } }")
    assert deep[0]["extensions"] == {"code": "VALIDATION", "rule": "depth"} and "2" in deep[0]["message"]


async def test_alias_limit():
    errors = await errors_of("{ a: districts { code } b: districts { code } c: districts { code } }")
    assert errors[0]["extensions"]["rule"] == "aliases"


async def test_token_limit():
    errors = await errors_of("{ districts { code " + "name " * 50 + "} }")
    assert errors[0]["extensions"]["rule"] == "tokens" and "40" in errors[0]["message"]


async def test_cost_limit_counts_page_sizes():
    deep_enough = SMALL.model_copy(update={"graphql_max_depth": 5})
    errors = await errors_of("{ dashboard { registrationsPerWeek(first: 30) { nodes { week count } } } }", deep_enough)
    assert [e["extensions"]["rule"] for e in errors] == ["cost"]
    assert errors[0]["extensions"]["cost"] == 1 + 1 + 30 * (1 + 2)  # dashboard, the list, 30 × (nodes + 2 fields)
    variable = await errors_of("query($n: Int) { dashboard { registrationsPerWeek(first: $n) { nodes { week } } } }",
                               deep_enough)
    assert variable[0]["extensions"]["rule"] == "cost"  # a page size from a variable counts as the maximum


async def test_introspection_can_be_switched_off_and_is_on_by_default():
    off = await errors_of("{ __schema { queryType { name } } }")
    assert off[0]["extensions"] == {"code": "VALIDATION", "rule": "introspection"}
    assert await errors_of("{ __schema { queryType { name } } }", Settings()) == []


async def test_queries_within_the_limits_pass():
    assert await errors_of("{ districts { code name } }") == []


async def test_dataloader_batches_the_lookups_of_one_request():
    calls: list[list[str]] = []

    async def load(keys: list[str]) -> list[str]:
        calls.append(keys)
        return [k.upper() for k in keys]

    ctx = Context(runtime=None)
    loader = ctx.loader("names", load)
    assert ctx.loader("names", load) is loader
    values = await asyncio.gather(*(ctx.loader("names", load).load(k) for k in ("a", "b", "c")))
    assert values == ["A", "B", "C"] and calls == [["a", "b", "c"]]
    assert Context(runtime=None).loader("names", load) is not loader  # never shared between requests


def test_introspection_is_off_by_default_in_production_only():
    assert Settings().introspection_allowed
    assert not Settings(environment="production").introspection_allowed
    assert Settings(environment="production", graphql_introspection=True).introspection_allowed


async def test_cost_uses_the_declared_default_page_size_and_fragments():
    deep_enough = SMALL.model_copy(update={"graphql_max_depth": 5, "graphql_max_cost": 100})
    default = await errors_of("{ dashboard { registrationsPerWeek { nodes { week } } } }", deep_enough)
    assert default[0]["extensions"]["cost"] == 1 + 1 + 52 * (1 + 1)  # first defaults to 52 weeks
    fragment = await errors_of("""{ dashboard { ...weeks } } fragment weeks on Dashboard {
        registrationsPerWeek(first: 60) { nodes { week } } }""", deep_enough)
    assert fragment[0]["extensions"]["cost"] == 1 + 1 + 60 * 2


async def test_a_document_validated_before_is_refused_again_and_each_schema_keeps_its_own_limits():
    # validation results are cached per document and rules: a repeat must still be refused, and a schema
    # with other limits must not inherit the first one's verdict
    query = "{ a: districts { code } b: districts { code } c: districts { code } }"
    schema = build_schema(SMALL)
    for _ in range(3):
        result = await schema.execute(query, context_value=SimpleNamespace(principal="someone"))
        assert [e.formatted["extensions"]["rule"] for e in result.errors] == ["aliases"]
    roomy = SMALL.model_copy(update={"graphql_max_aliases": 5})
    assert "aliases" not in {e.get("extensions", {}).get("rule") for e in await errors_of(query, roomy)}


async def test_a_query_parsed_before_is_served_from_the_cache_and_one_over_the_token_limit_never_is():
    from gateway.limits import ParsedDocuments

    schema = build_schema(SMALL)
    ok = "{ districts { code name } }"
    first = await schema.execute(ok, context_value=SimpleNamespace(principal="someone"))
    kept = [doc for (text, _), doc in ParsedDocuments.documents.items() if text == ok]
    assert len(kept) == 1
    again = await schema.execute(ok, context_value=SimpleNamespace(principal="someone"))
    assert again.data == first.data and [doc for (text, _), doc in ParsedDocuments.documents.items()
                                         if text == ok] == kept  # the same document object, not parsed anew
    too_long = "{ " + " ".join(f"a{i}: districts {{ code }}" for i in range(20)) + " }"
    for _ in range(2):
        result = await schema.execute(too_long, context_value=SimpleNamespace(principal="someone"))
        assert [e.formatted["extensions"]["rule"] for e in result.errors] == ["tokens"]
    assert not any(text == too_long for text, _ in ParsedDocuments.documents)
