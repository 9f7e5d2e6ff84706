"""The per-field work of the gateway's GraphQL, counted rather than timed (timings vary with the machine):
a plain attribute of a list item passes no extension hook, and a document's arguments are visited once
(docs/BENCHMARKS.md, "List pages: profiled")."""
from __future__ import annotations

from collections import OrderedDict
from types import SimpleNamespace

from graphql import parse
from strawberry.extensions import SchemaExtension

from chassis.reference import DISTRICTS
from chassis.settings import Settings
from gateway.ids import _Plans, id_errors
from gateway.schema import GatewaySchema, Query, build_schema

SEEN: list[str] = []


class CountsHooks(SchemaExtension):
    def resolve(self, _next, root, info, *args, **kwargs):
        SEEN.append(f"{info.parent_type.name}.{info.field_name}")
        return _next(root, info, *args, **kwargs)


async def test_extension_hooks_run_for_resolvers_only_not_for_plain_fields():
    schema = GatewaySchema(query=Query, extensions=[CountsHooks])
    SEEN.clear()
    result = await schema.execute("{ districts { code name } }", context_value=SimpleNamespace(principal="someone"))
    assert result.errors is None and len(result.data["districts"]) == len(DISTRICTS) == 16
    # 1 resolver + 32 plain fields (code, name × 16): the hook sees the resolver alone
    assert SEEN == ["Query.districts"]


async def test_a_document_is_visited_once_and_each_request_checks_its_own_variables(monkeypatch):
    # An empty cache of its own: after the rest of the suite the shared one is full (CACHED_PLANS), and a new
    # entry then pushes the oldest out, so its length would not grow.
    monkeypatch.setattr(_Plans, "entries", OrderedDict())
    schema = build_schema(Settings())._schema
    document = parse("query Y($id: ID!, $after: String) { youth(id: $id) { id } stations(after: $after) { nodes { id } } }")
    uid = "3f2b5c1e-0000-4000-8000-000000000001"
    before = len(_Plans.entries)
    good = id_errors(schema, document, "Y", {"id": uid, "after": "abc"})
    bad_id = id_errors(schema, document, "Y", {"id": "../export"})
    blank = id_errors(schema, document, "Y", {"id": uid, "after": " "})
    assert len(_Plans.entries) == before + 1  # the later requests reused the first one's visit
    assert good == []
    assert [(e.field, e.rule) for e in bad_id] == [("id", "id")]
    assert [(e.field, e.rule) for e in blank] == [("after", "blank")]
