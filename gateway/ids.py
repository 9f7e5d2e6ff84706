"""Ids and text are checked before any resolver runs (issue 15): a GraphQL `ID` argument becomes part of a
service URL (`/youth/{id}/export`), so `youth(id: "<uuid>/export")` must never reach another endpoint.

Once per operation, for the whole schema: every `ID` argument of a field (a literal, a variable, or a list of
them) must be a UUID, unless its name is in `NOT_UUID` with a pattern of its own. A new `ID` argument is held
to UUID by default; one that is not a UUID is declared here, with its pattern. An id that breaks its rule is
answered VALIDATION naming the argument, and nothing is resolved. `ServiceClient` (clients.py) refuses a
path with a segment that could not come from an id as a second line.

In the same single pass, every `String` argument and every `String` field of an input object (at any depth,
in lists too) is held to the chassis text rule (chassis/text.py): blank or control-character text is answered
VALIDATION naming the argument's path (`input.name`) and the rule (`blank` / `control`), so arguments that
only the gateway reads (filters, search text) obey it like the services' bodies. A default declared in the
schema is not in the document and is not checked (the resolvers drop an empty default before forwarding).
"""
from __future__ import annotations

import re
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLID,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLString,
    ListValueNode,
    OperationDefinitionNode,
    TypeInfo,
    TypeInfoVisitor,
    ValueNode,
    VariableNode,
    Visitor,
    get_named_type,
    value_from_ast_untyped,
    visit,
)
from strawberry.extensions import SchemaExtension

from chassis.errors import FieldError, ValidationFailed
from chassis.text import is_multiline, text_fault

NOT_UUID = {"measureId": re.compile(r"M\d{2}")}  # the measures' stable ids (services/branches/measures.json)


def id_error(argument: str, value: Any) -> str | None:
    """The message for an id `value` of `argument` that breaks its rule; None when it is a good id."""
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    pattern = NOT_UUID.get(argument)
    if pattern is not None:
        return None if pattern.fullmatch(text) else "编号格式无效"
    try:
        if str(uuid.UUID(text)) == text.lower():
            return None
    except ValueError:
        pass
    return "应为 UUID 格式的编号（如 3f2b…-…）"


def text_errors(type_: GraphQLInputType, value: Any, path: str) -> Iterator[FieldError]:
    """The chassis text rule over a String argument's value, or over every String inside an input object."""
    while isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLList) and isinstance(value, list):
        for i, item in enumerate(value):
            yield from text_errors(type_.of_type, item, f"{path}.{i}")
    elif isinstance(type_, GraphQLInputObjectType) and isinstance(value, dict):
        for name, field in type_.fields.items():
            if name in value:
                yield from text_errors(field.type, value[name], f"{path}.{name}")
    elif type_ is GraphQLString and isinstance(value, str):
        if fault := text_fault(value, multiline=is_multiline(path)):
            yield FieldError(path, fault.message, fault.rule)


class _Arguments(Visitor):
    """Collects every argument of the operation with its declared type: what depends on the document only."""

    def __init__(self, type_info: TypeInfo):
        super().__init__()
        self.type_info = type_info
        self.found: list[tuple[str, GraphQLInputType, ValueNode]] = []

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        argument = self.type_info.get_argument()
        if argument is not None:
            self.found.append((node.name.value, argument.type, node.value))


def _values(node: ValueNode, given: dict[str, Any]) -> Iterator[Any]:
    """An ID argument's values: a literal, a variable, or a list of them."""
    if isinstance(node, VariableNode):
        value = given.get(node.name.value)
        yield from value if isinstance(value, list) else [value]
    elif isinstance(node, ListValueNode):
        for item in node.values:
            yield from _values(item, given)
    else:
        yield value_from_ast_untyped(node)


# (its arguments with their types, its variables' declared defaults) of an operation of a parsed document
Plan = tuple[list[tuple[str, GraphQLInputType, ValueNode]], dict[str, Any]]
CACHED_PLANS = 256


class _Plans:
    """The visit of a document seen before is not repeated: a list page sends the same text every time
    (ParsedDocuments hands back the same document object), and the visit with its TypeInfo was a tenth of
    the GraphQL CPU of a 20-row page (docs/BENCHMARKS.md, "List pages: profiled"). Keyed by the document
    object, which the entry holds so that its id is not reused; least recently used dropped."""

    entries: OrderedDict[tuple, tuple[Any, DocumentNode, Plan]] = OrderedDict()

    @classmethod
    def of(cls, schema: Any, document: DocumentNode, operation: OperationDefinitionNode) -> Plan:
        key = (id(schema), id(document), id(operation))
        entry = cls.entries.get(key)
        if entry is not None and entry[0] is schema and entry[1] is document:
            cls.entries.move_to_end(key)
            return entry[2]
        type_info = TypeInfo(schema)
        collector = _Arguments(type_info)
        # The operation that runs (one: OneOperationNamed), and the fragments it may spread.
        for node in [operation, *(d for d in document.definitions if isinstance(d, FragmentDefinitionNode))]:
            visit(node, TypeInfoVisitor(type_info, collector))
        defaults = {v.variable.name.value: value_from_ast_untyped(v.default_value)
                    for v in operation.variable_definitions or () if v.default_value is not None}
        plan = (collector.found, defaults)
        cls.entries[key] = (schema, document, plan)
        if len(cls.entries) > CACHED_PLANS:
            cls.entries.popitem(last=False)
        return plan


def id_errors(schema: Any, document: DocumentNode, operation_name: str | None,
              variables: dict[str, Any] | None) -> list[FieldError]:
    """Every id argument and every text of the operation that breaks its rule."""
    operation = next((d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                      and (operation_name is None or (d.name is not None and d.name.value == operation_name))), None)
    if operation is None:  # validation answers a document without the named operation
        return []
    arguments, defaults = _Plans.of(schema, document, operation)
    given = {**defaults, **(variables or {})}
    errors: list[FieldError] = []
    for name, type_, node in arguments:
        if get_named_type(type_) is GraphQLID:
            for value in _values(node, given):
                if value is not None and (message := id_error(name, value)):
                    errors.append(FieldError(name, message, "id"))
        else:
            value = given.get(node.name.value) if isinstance(node, VariableNode) \
                else value_from_ast_untyped(node, given)
            errors.extend(text_errors(type_, value, name))
    return errors


class CheckedIds(SchemaExtension):
    """Refuses the operation (VALIDATION, with every offending argument as `errors`, the first one's `field`
    and `rule`: `id`, `blank` or `control`) when an id or a text breaks its rule; runs after the document is
    validated (an invalid document is answered by validation)."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and not ctx.pre_execution_errors:
            errors = id_errors(ctx.schema._schema, ctx.graphql_document, getattr(ctx, "_provided_operation_name", None),
                               ctx.variables)
            if errors:
                unique = list({(e.field, e.rule): e for e in errors}.values())  # a fragment spread twice
                body = ValidationFailed(unique).body()
                ctx.pre_execution_errors = [GraphQLError(body.pop("message"), extensions={
                    **body, "field": unique[0].field, "rule": unique[0].rule})]
        yield
