"""graphql-core's execution, with objects made only of plain leaves completed in one step.

A list page is ≈ 20 rows × 8–10 plain fields: graphql-core completes each value on its own (a path, a
resolve info, the resolver, then completion through non-null, list and leaf for every one of them) — the
largest part of the GraphQL CPU per page (docs/BENCHMARKS.md, "List pages: profiled"). `FlatObjects`
completes an object whose selected fields are all plain attributes (strawberry's default resolver, no
arguments, no directives) of leaf types or lists of leaves in one loop over a plan built once per selection
and request, with the same reads (the default resolver) and the same output coercion.

Only the answer without errors is taken that way: as soon as a value would be an error (null for a
non-null field, a value the scalar refuses, a missing attribute, an exception as value) or is awaitable,
the object is completed by graphql-core itself from the start, so errors, their paths and null propagation
are exactly graphql-core's.
Anything else — a field with a resolver of its own, arguments, directives, nested objects, `__typename`,
an object type with `is_type_of`, a field that passes middleware — is not planned and runs as always.
"""
from __future__ import annotations

from collections.abc import Callable
from operator import attrgetter
from typing import Any

from graphql import (
    GraphQLField,
    GraphQLLeafType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    Undefined,
    is_leaf_type,
)
from strawberry.resolvers import is_default_resolver
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.schema.schema_converter import CustomGraphQLEnumType, GraphQLCoreConverter
from strawberry.types.field import StrawberryField

REFUSED = object()  # a value graphql-core would answer with an error: the object goes the usual way
PLAIN = frozenset({str, int, float, bool})  # never awaitable, never an exception: no need to ask


def enum_names(enum: CustomGraphQLEnumType) -> Callable[[Any], Any]:
    """strawberry's output coercion of an enum member, by one lookup: strawberry's own compares the member
    with each value of the type in turn (a stations page has ≈ 200 enum values). Raises TypeError for a
    type whose values cannot be keys."""
    names: dict[Any, str] = {}
    for name, value in enum.values.items():
        names.setdefault(value.value, name)  # the first name of a value, as strawberry's loop finds it
    wrapped, coerce = enum.wrapped_cls, enum.coerce_output_value

    def coerced(value: Any) -> Any:
        if isinstance(value, wrapped):
            name = names.get(value.value)
            if name is not None:
                return name
        return coerce(value)  # not a member, or not a value of the type: strawberry's answer (or error)

    return coerced


_COERCERS: dict[int, tuple[GraphQLLeafType, Callable[[Any], Any]]] = {}  # id(type) → (type, its coercion)


def coercer(leaf: GraphQLLeafType) -> Callable[[Any], Any]:
    """The leaf type's output coercion (graphql-core's `coerce_output_value`), enums by lookup."""
    entry = _COERCERS.get(id(leaf))
    if entry is None or entry[0] is not leaf:
        coerce = leaf.coerce_output_value
        if isinstance(leaf, CustomGraphQLEnumType):
            try:
                coerce = enum_names(leaf)
            except TypeError:
                pass
        entry = _COERCERS[id(leaf)] = (leaf, coerce)
    return entry[1]


def reader(field: GraphQLField) -> Callable[[Any], Any]:
    """What strawberry's default resolver answers for a source — `default_resolver(source, python_name)`, by
    `attrgetter` when that is getattr (the default) — without its three calls per value."""
    definition = (field.extensions or {}).get(GraphQLCoreConverter.DEFINITION_BACKREF)
    resolve = field.resolve
    if not isinstance(definition, StrawberryField) or definition.base_resolver is not None or resolve is None:
        return lambda source: resolve(source, None)  # type: ignore[misc]
    read, name = definition.default_resolver, definition.python_name
    return attrgetter(name) if read is getattr else lambda source: read(source, name)


# one field of a plan: (response key, its reader, non-null, coercion, is a list, list items non-null)
PlannedField = tuple[str, Callable[..., Any], bool, Callable[[Any], Any], bool, bool]


def _leaf(type_: GraphQLOutputType) -> tuple[bool, GraphQLLeafType, bool, bool] | None:
    """(non-null, the leaf type, is a list, items non-null) for `Leaf`, `Leaf!`, `[Leaf]`, `[Leaf!]!`…"""
    non_null = isinstance(type_, GraphQLNonNull)
    inner = type_.of_type if non_null else type_
    if isinstance(inner, GraphQLList):
        item = inner.of_type
        item_non_null = isinstance(item, GraphQLNonNull)
        item = item.of_type if item_non_null else item
        return (non_null, item, True, item_non_null) if is_leaf_type(item) else None
    return (non_null, inner, False, False) if is_leaf_type(inner) else None


def _value(value: Any, non_null: bool, coerce: Callable[[Any], Any], is_awaitable: Callable[[Any], bool]) -> Any:
    """A leaf as graphql-core completes it, or REFUSED where graphql-core would raise or await (a coercion
    that raises is left to the caller)."""
    if value is None or value is Undefined:
        return REFUSED if non_null else None
    if type(value) not in PLAIN and (isinstance(value, Exception) or is_awaitable(value)):
        return REFUSED
    coerced = coerce(value)
    return REFUSED if coerced is None or coerced is Undefined else coerced


class FlatObjects(StrawberryGraphQLCoreExecutionContext):
    """The gateway's executor (strawberry's `execution_context_class`)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._flat_plans: dict[tuple[int, int], tuple[Any, list[PlannedField] | None]] = {}
        self.flat_completions = 0  # objects completed by a plan (tests count them)

    def build_per_event_executor(self, payload: Any) -> Any:
        """A subscription's event: plans of its own (an executor is copied per event; shared, the plans of a
        long-lived subscription would pile up). graphql-core's own memo of collected subfields
        (`_relevant_sub_fields`, keyed by the id of each event's new field lists) is shared by its shallow
        copy too: a dashboard subscriber kept ≈ 47 KB of it per update (benchmark 5c: the gateway grew
        120 → 687 MB in 10 minutes with 100 subscribers)."""
        executor = super().build_per_event_executor(payload)
        executor._flat_plans = {}
        executor._relevant_sub_fields = {}
        return executor

    def complete_object_value(self, return_type, field_details_list, info, path, result, position_context):
        key = (id(return_type), id(field_details_list))
        entry = self._flat_plans.get(key)
        if entry is None:  # the list is held with its plan, so that its id is not reused meanwhile
            entry = self._flat_plans[key] = (field_details_list, self._plan(return_type, field_details_list))
        plan = entry[1]
        if plan is not None:
            completed = self._complete_flat(plan, result)
            if completed is not None:
                self.flat_completions += 1
                return completed
        return super().complete_object_value(return_type, field_details_list, info, path, result, position_context)

    def _plan(self, return_type: GraphQLObjectType, field_details_list) -> list[PlannedField] | None:
        if return_type.is_type_of is not None:
            return None
        grouped, new_defer_usages, _ = self.collect_subfields(return_type, field_details_list)
        if new_defer_usages:
            return None
        plan: list[PlannedField] = []
        for response_key, details in grouped.items():
            node = details[0].node
            field = return_type.fields.get(node.name.value)
            if field is None or field.args or field.resolve is None or not is_default_resolver(field.resolve):
                return None
            if any(d.node.arguments or d.node.directives or d.defer_usage is not None for d in details):
                return None
            if self.middleware_manager is not None and \
                    self.middleware_manager.get_field_resolver(field.resolve) is not field.resolve:
                return None
            shape = _leaf(field.type)
            if shape is None:
                return None
            non_null, leaf, is_list, item_non_null = shape
            plan.append((response_key, reader(field), non_null, coercer(leaf), is_list, item_non_null))
        return plan

    def _complete_flat(self, plan: list[PlannedField], source: Any) -> dict[str, Any] | None:
        """The object's answer, or None where any of its values would not be a plain value (graphql-core then
        completes the object and says why)."""
        is_awaitable = self.is_awaitable
        completed: dict[str, Any] = {}
        try:
            for response_key, read, non_null, coerce, is_list, item_non_null in plan:
                value = read(source)
                if is_list and value is not None and value is not Undefined:
                    if not isinstance(value, list | tuple):  # other iterables, awaitables: graphql-core's way
                        return None
                    value = [_value(item, item_non_null, coerce, is_awaitable) for item in value]
                    if any(item is REFUSED for item in value):
                        return None
                else:
                    value = _value(value, non_null, coerce, is_awaitable)
                    if value is REFUSED:
                        return None
                completed[response_key] = value
        except Exception:  # an attribute that is missing, a value the scalar refuses
            return None
        return completed
