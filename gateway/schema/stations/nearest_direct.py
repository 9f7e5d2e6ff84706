"""A lighter path for the public station finder: an anonymous `nearestStations` document made only of that
field and the plain fields of its stations is answered without strawberry's executor (benchmark 5b: the
executor and the completion of 10 stations × 10 fields were a third of the gateway's CPU per request).

Safe by construction: a document is answered here only after the full path has answered the very same
text (and operation name) without errors for an anonymous caller — so it parsed, passed every validation
rule and limit and every extension once — and only if its shape is that flat one (no fragments,
directives or nested selections). Each request's variables are still coerced by graphql-core, and the
arguments checked by the resolver's own rules (`nearest_answer`); anything that would be an error goes the
full path instead, so errors look exactly as they always do. The HTTP middleware (rate limit, body limit,
request metrics, the request span) runs as for every request; the GraphQL operation metric is recorded here.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from graphql import (
    FieldNode,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    get_argument_values,
    get_named_type,
    parse,
)
from graphql.execution.values import get_variable_values
from strawberry.types import ExecutionResult
from strawberry.types.base import get_object_definition

from chassis import metrics
from chassis.errors import AppError

from .queries import nearest_answer
from .types import Station

FIELD, TYPE = "nearestStations", "Station"
MAX_PLANS = 64


@dataclass(frozen=True)
class Plan:
    operation: OperationDefinitionNode
    field: FieldNode
    key: str  # the field's response key (its alias, if any)
    leaves: tuple[tuple[str, Callable[[Any], Any]], ...]  # (response key, station → value) in document order
    name: str


def _leaf(schema: GraphQLSchema, field_name: str, attribute: str) -> Callable[[Any], Any] | None:
    gtype = schema.get_type(TYPE).fields[field_name].type  # type: ignore[union-attr]
    inner = gtype.of_type if isinstance(gtype, GraphQLNonNull) else gtype
    named = get_named_type(inner)
    serialize = named.serialize  # type: ignore[union-attr]
    if isinstance(inner, GraphQLList):
        return lambda s: [serialize(v) for v in getattr(s, attribute)]
    return lambda s: None if (v := getattr(s, attribute)) is None else serialize(v)


def plan_of(schema: GraphQLSchema, names: dict[str, str], query: str, operation_name: str | None) -> Plan | None:
    """The plan of a flat nearestStations document, or None for any other shape."""
    document = parse(query)
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != len(document.definitions) or len(operations) != 1:
        return None
    operation = operations[0]
    if operation.operation != OperationType.QUERY or operation.directives or (
            operation_name is not None and (operation.name is None or operation.name.value != operation_name)):
        return None
    [field] = operation.selection_set.selections if len(operation.selection_set.selections) == 1 else [None]
    if not isinstance(field, FieldNode) or field.name.value != FIELD or field.directives or not field.selection_set:
        return None
    leaves = []
    for sub in field.selection_set.selections:
        if not isinstance(sub, FieldNode) or sub.directives or sub.selection_set or sub.arguments:
            return None
        key = sub.alias.value if sub.alias else sub.name.value
        if sub.name.value == "__typename":
            leaves.append((key, lambda s: TYPE))
            continue
        attribute = names.get(sub.name.value)
        leaf = _leaf(schema, sub.name.value, attribute) if attribute else None
        if leaf is None:
            return None
        leaves.append((key, leaf))
    return Plan(operation, field, field.alias.value if field.alias else FIELD, tuple(leaves),
                operation.name.value if operation.name else "anonymous")


def station_attributes(schema: Any) -> dict[str, str]:
    """Station's GraphQL field names → its attributes (openingHours → opening_hours)."""
    definition = get_object_definition(Station, strict=True)
    return {schema.config.name_converter.get_graphql_name(f): f.python_name for f in definition.fields}


async def direct_nearest(context: Any, args: dict[str, Any]) -> list[Station] | None:
    """The resolver's answer for the arguments (GraphQL names), or None where it would refuse."""
    service = args.get("service")  # coerced to the ServiceType member, as strawberry would pass it
    try:
        return await nearest_answer(context, args["lat"], args["lon"], service.value if service else None,
                                    args["limit"], args.get("radiusKm"))
    except AppError:
        return None


class DirectNearest:
    """Plans of documents the full path has answered, least recently used dropped first."""

    def __init__(self, schema: GraphQLSchema, names: dict[str, str]):
        self.schema = schema
        self.names = names
        self.plans: OrderedDict[tuple[str, str | None], Plan] = OrderedDict()

    def learn(self, query: str, operation_name: str | None) -> None:
        """After the full path answered `query` without errors for an anonymous caller."""
        if FIELD not in query or (query, operation_name) in self.plans:
            return
        plan = plan_of(self.schema, self.names, query, operation_name)
        if plan is not None:
            self.plans[(query, operation_name)] = plan
            if len(self.plans) > MAX_PLANS:
                self.plans.popitem(last=False)

    async def answer(self, query: str, operation_name: str | None, variables: dict | None,
                     resolve: Callable[..., Any]) -> ExecutionResult | None:
        """The answer, or None: then the full path answers (also every error)."""
        plan = self.plans.get((query, operation_name))
        if plan is None:
            return None
        started = time.perf_counter()
        coerced = get_variable_values(self.schema, plan.operation.variable_definitions or (), variables or {})
        if isinstance(coerced, list):  # the variables do not fit: the full path says why
            return None
        field_def = self.schema.query_type.fields[FIELD]  # type: ignore[union-attr]
        args = get_argument_values(field_def, plan.field, coerced)
        stations = await resolve(**args)
        if stations is None:
            return None
        data = {plan.key: [{key: leaf(s) for key, leaf in plan.leaves} for s in stations]}
        metrics.GRAPHQL_DURATION.record(time.perf_counter() - started,
                                        {"operation": plan.name, "type": "query", "outcome": "ok"})
        return ExecutionResult(data=data, errors=None)
