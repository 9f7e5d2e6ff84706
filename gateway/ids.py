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


class _IdArguments(Visitor):
    def __init__(self, type_info: TypeInfo, variables: dict[str, Any], defaults: dict[str, Any]):
        super().__init__()
        self.type_info, self.variables, self.defaults = type_info, variables, defaults
        self.errors: list[FieldError] = []

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        argument = self.type_info.get_argument()
        if argument is None:
            return
        name = node.name.value
        if get_named_type(argument.type) is GraphQLID:
            for value in self._values(node.value):
                if value is not None and (message := id_error(name, value)):
                    self.errors.append(FieldError(name, message, "id"))
        else:
            given = {**self.defaults, **self.variables}
            value = given.get(node.value.name.value) if isinstance(node.value, VariableNode) \
                else value_from_ast_untyped(node.value, given)
            self.errors.extend(text_errors(argument.type, value, name))

    def _values(self, node: ValueNode) -> Iterator[Any]:
        if isinstance(node, VariableNode):
            name = node.name.value
            value = self.variables.get(name, self.defaults.get(name))
            yield from value if isinstance(value, list) else [value]
        elif isinstance(node, ListValueNode):
            for item in node.values:
                yield from self._values(item)
        else:
            yield value_from_ast_untyped(node)


def id_errors(schema: Any, document: DocumentNode, operation_name: str | None,
              variables: dict[str, Any] | None) -> list[FieldError]:
    """Every id argument and every text of the operation that breaks its rule."""
    operation = next((d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                      and (operation_name is None or (d.name is not None and d.name.value == operation_name))), None)
    if operation is None:  # validation answers a document without the named operation
        return []
    defaults = {v.variable.name.value: value_from_ast_untyped(v.default_value)
                for v in operation.variable_definitions or () if v.default_value is not None}
    type_info = TypeInfo(schema)
    checker = _IdArguments(type_info, variables or {}, defaults)
    # The operation that runs (one: OneOperationNamed), and the fragments it may spread, with its variables.
    for node in [operation, *(d for d in document.definitions if isinstance(d, FragmentDefinitionNode))]:
        visit(node, TypeInfoVisitor(type_info, checker))
    return checker.errors


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
