"""The GraphQL contract front-ends rely on: the committed snapshot (gateway/schema.graphql) may only grow.

A breaking change (a removed field, a changed type, a new required argument) fails here. Growing the
schema passes; refresh the snapshot with `XQ_UPDATE_SCHEMA_SNAPSHOT=1 pytest tests/unit/test_schema_contract.py`
(and a breaking change on purpose: the same, in a commit that says so).
"""
from __future__ import annotations

import os
from pathlib import Path

from graphql import build_schema, find_breaking_changes, parse, validate

from gateway.schema import schema

SNAPSHOT = Path(__file__).resolve().parents[2] / "gateway" / "schema.graphql"

# Queries of the walking-skeleton issue that must keep working.
CONTRACT = [
    'mutation { registerYouth(input: {name: "王小明", gender: MALE, birthDate: "2001-03-04", mobile: "13800138000", '
    'district: "110105", youthType: NEW_BUSINESS, subtype: DELIVERY_RIDER, consents: [REGISTRATION]}) { id position } }',
    "{ dashboard { youth { total byType { type count } byDistrict { district count } } } }",
    'query($p: String) { dashboard(minPosition: $p) { youth { total byDistrict { district name count } } } }',
]


def test_the_schema_only_grows_from_the_committed_snapshot():
    current = schema.as_str() + "\n"
    if os.environ.get("XQ_UPDATE_SCHEMA_SNAPSHOT") == "1":
        SNAPSHOT.write_text(current)
    breaking = find_breaking_changes(build_schema(SNAPSHOT.read_text()), build_schema(current))
    assert not breaking, "breaking GraphQL changes:\n" + "\n".join(f"- {c.type.name}: {c.description}" for c in breaking)
    # Front-ends read the committed file: it is the schema served, never a stale copy.
    assert current == SNAPSHOT.read_text(), "gateway/schema.graphql is stale: XQ_UPDATE_SCHEMA_SNAPSHOT=1 pytest " + \
        "tests/unit/test_schema_contract.py writes it (additions only)"


def test_the_skeleton_contract_queries_still_validate():
    for query in CONTRACT:
        assert validate(schema._schema, parse(query)) == [], query


def test_find_breaking_changes_notices_a_removed_field():
    # the check above can fail: dropping a field the snapshot has is reported
    trimmed = SNAPSHOT.read_text().replace("  total: Int!\n", "", 1)
    assert find_breaking_changes(build_schema(SNAPSHOT.read_text()), build_schema(trimmed))
