"""Each dashboard figure reads only the tables `FIGURE_TABLES` lists for it (gateway/schema/dashboard_cache.py).

A figure is computed again only when a projection writing one of its listed tables commits; a table it
reads but does not list would leave it stale. So every figure is resolved here on its own — city-wide,
for one district, over a date range, with its month or quarter arguments — against read models filled
with a small city (bench/city_data.py, so the paths that need rows run too), every statement the gateway
sends is recorded (asyncpg's query logger), and the projection tables named in them must be listed."""
from __future__ import annotations

import asyncio
import re

import asyncpg
import pytest
from graphql import GraphQLObjectType, get_named_type, is_leaf_type

from bench.city_data import CitySize, fill
from chassis import db, roles
from gateway.app import create_app as create_gateway
from gateway.schema import schema
from gateway.schema.dashboard_cache import FIGURE_TABLES
from tests.support import running

NOT_FIGURES = {"district", "from", "to", "available"}  # the scope and the page's field list: no table read
SMALL = CitySize(youth=3_000, branches=30, organisations=40, transfers=60, applications=60, stations=40,
                 visits=20_000, programmes=5, enrolments=100, events=30, appeals=300)
SCOPES = [{}, {"district": "110105"}, {"from": "2026-01-01", "to": "2026-12-31"},
          {"district": "110108", "from": "2026-06-01", "to": "2026-06-30"}]
ARGUMENTS = {"stations": ["", '(month: "2026-11")'], "appeals": ["", '(month: "2026-11")'],
             "branches": ["", '(quarter: "2026-Q3")']}


def selection(type_, depth: int = 4) -> str:
    """Every leaf under an object type, so each resolver of the figure runs."""
    type_ = get_named_type(type_)
    if is_leaf_type(type_) or depth == 0:
        return ""
    assert isinstance(type_, GraphQLObjectType)
    parts = []
    for name, field in type_.fields.items():
        if any(arg.type.__class__.__name__ == "GraphQLNonNull" and arg.default_value is None
               for arg in field.args.values()):
            continue  # a field that needs an argument of its own: not on the page, not a figure's table
        inner = get_named_type(field.type)
        parts.append(name if is_leaf_type(inner) else f"{name} {{ {selection(inner, depth - 1)} }}")
    return " ".join(p for p in parts if not p.endswith("{  }"))


def figures() -> dict[str, str]:
    dashboard = schema._schema.get_type("Dashboard")
    return {name: selection(field.type) for name, field in dashboard.fields.items() if name not in NOT_FIGURES}


@pytest.fixture(scope="module")
async def gateway(settings):
    async with running(create_gateway(settings)) as client:
        admin = await asyncpg.connect(settings.database_url(settings.database("gateway")))
        try:
            await fill(admin, SMALL)
        finally:
            await admin.close()
        yield client


async def test_every_figure_reads_only_the_tables_it_lists(gateway, settings, token):
    rt = gateway.app.state.runtime
    projection_tables = {t for runner in rt.projections.values() for t in runner.projection.tables}
    statements: list[str] = []

    async def recording(conn: asyncpg.Connection) -> None:
        await db.init_connection(conn)
        conn.add_query_logger(lambda query: statements.append(query.query))

    pool = await asyncpg.create_pool(roles.service_dsn(settings, "gateway"), min_size=1, max_size=4, init=recording)
    original, rt.pool = rt.pool, pool
    read: dict[str, set[str]] = {}
    viewer = {"authorization": f"Bearer {token('department_viewer')}"}
    try:
        for figure, fields in figures().items():
            read[figure] = set()
            for scope in SCOPES:
                for args in ARGUMENTS.get(figure, [""]):
                    if "month" in args and "from" in scope:
                        continue  # a month and a date range together are refused (either one)
                    rt.deps.figures.entries.clear()  # computed, not served from memory
                    statements.clear()
                    given = ", ".join(f'{k}: "{v}"' for k, v in scope.items())
                    query = f"{{ dashboard{f'({given})' if given else ''} {{ {figure}{args} {{ {fields} }} }} }}"
                    answer = (await gateway.post("/graphql", json={"query": query}, headers=viewer)).json()
                    assert not answer.get("errors"), (figure, scope, args, answer)
                    await asyncio.sleep(0.01)  # the query logger's callbacks run soon after each statement
                    read[figure] |= {t for t in projection_tables for s in statements if re.search(rf"\b{t}\b", s)}
    finally:
        rt.pool = original
        await pool.close()

    assert set(FIGURE_TABLES) == set(read), "every figure lists its tables (else it depends on every projection)"
    unlisted = {f: sorted(tables - FIGURE_TABLES[f]) for f, tables in read.items() if tables - FIGURE_TABLES[f]}
    assert not unlisted, f"figures reading tables they do not list (they would be served stale): {unlisted}"
    assert all(read.values()), f"a figure that read no table at all was not really resolved: {read}"
    never = {f: sorted(FIGURE_TABLES[f] - tables) for f, tables in read.items() if FIGURE_TABLES[f] - tables}
    assert not never, f"listed but never read (a stale listing costs recomputations): {never}"
