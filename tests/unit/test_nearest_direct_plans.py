"""Which documents the station finder's direct path may answer (gateway/schema/stations/nearest_direct.py):
one query operation whose only field is nearestStations with plain station fields; anything else None.
That its answers equal the full path's is tested on the stack (tests/integration/test_public_reads.py)."""
from __future__ import annotations

from gateway.schema import schema
from gateway.schema.stations.nearest_direct import plan_of, station_attributes

NAMES = station_attributes(schema)


def plan(query: str, operation: str | None = None):
    return plan_of(schema._schema, NAMES, query, operation)


def test_a_flat_finder_query_has_a_plan_with_its_aliases_in_document_order():
    p = plan("query N($lat: Float!) { near: nearestStations(lat: $lat, lon: 116.4) { id where: name openingHours "
             "services __typename } }", "N")
    assert p is not None and p.key == "near" and p.name == "N"
    assert [key for key, _ in p.leaves] == ["id", "where", "openingHours", "services", "__typename"]


def test_every_other_shape_has_none():
    for query, operation in (
            ("mutation { nearestStations(lat: 1, lon: 1) { id } }", None),
            ("{ nearestStations(lat: 1, lon: 1) { id } districts { code } }", None),
            ("{ nearestStations(lat: 1, lon: 1) { ...S } } fragment S on Station { id }", None),
            ("{ nearestStations(lat: 1, lon: 1) { id @include(if: true) } }", None),
            ("{ nearestStations(lat: 1, lon: 1) @skip(if: false) { id } }", None),
            ("{ upcomingEvents { nodes { id } } }", None),
            ("query A { nearestStations(lat: 1, lon: 1) { id } }", "B"),
            ("query A { nearestStations(lat: 1, lon: 1) { id } } query B { districts { code } }", "A")):
        assert plan(query, operation) is None, query
