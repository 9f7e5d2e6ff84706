"""An unknown enum value is refused like any bad input: VALIDATION naming the argument (not the variable),
the rule `enum` and the allowed values, whether it came as a variable, a literal or inside an input object."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from chassis.settings import Settings
from gateway.schema import build_schema

ID = "3f2b5c1e-0000-4000-8000-000000000001"
SCHEMA = build_schema(Settings())
RECOMMEND = ("mutation($y: ID!, $b: ID!, $k: RecommendationKind!) "
             "{ recommendMember(youthId: $y, branchId: $b, kind: $k, reason: \"r\") { id } }")


async def refused(query: str, variables: dict | None = None) -> dict:
    result = await SCHEMA.execute(query, variable_values=variables, context_value=SimpleNamespace(principal=None))
    assert result.data is None and result.errors and len(result.errors) == 1
    return result.errors[0].extensions


@pytest.mark.parametrize("query,variables", [
    (RECOMMEND, {"y": ID, "b": ID, "k": "MEDAL"}),
    (f'mutation {{ recommendMember(youthId: "{ID}", branchId: "{ID}", kind: MEDAL, reason: "r") {{ id }} }}', None),
])
async def test_an_unknown_kind_names_the_argument_and_the_allowed_values(query, variables):
    extensions = await refused(query, variables)
    assert extensions["code"] == "VALIDATION" and extensions["rule"] == "enum"
    [error] = extensions["errors"]
    assert (error["field"], error["rule"]) == ("kind", "enum")
    assert "MEDAL" in error["message"] and "PARTY、HONOUR" in error["message"]


async def test_inside_an_input_object_the_input_field_is_named():
    query = "mutation($i: OpenCaseInput!) { openCase(input: $i) { id } }"
    extensions = await refused(query, {"i": {"category": "NOPE", "district": "110105", "summary": "s"}})
    assert [(e["field"], e["rule"]) for e in extensions.get("errors", [])] == [("category", "enum")]
