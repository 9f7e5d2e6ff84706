"""Ids are checked before any resolver runs (issue 15): a GraphQL `ID` argument becomes part of a service URL
(`/youth/{id}/export`), so `youth(id: "<uuid>/export")` must never reach another endpoint.

Once per operation, for the whole schema: every `ID` argument of a field (a literal, a variable, or a list of
them) must be a UUID, unless its name is in `NOT_UUID` with a pattern of its own. A new `ID` argument is held
to UUID by default; one that is not a UUID is declared here, with its pattern. An id that breaks its rule is
answered VALIDATION naming the argument, and nothing is resolved. `ServiceClient` (clients.py) refuses a
path with a segment that could not come from an id as a second line.
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

NOT_UUID = {"measureId": re.compile(r"M\d{2}")}  # the measures' stable ids (services/branches/measures.json)


def id_error(argument: str, value: Any) -> str | None:
    """The message for an id `value` of `argument` that breaks its rule; None when it is a good id."""
    text = str(value) if isinstance(value, str | int) and not isinstance(value, bool) else ""
    pattern = NOT_UUID.get(argument)
    if pattern is not None:
        return None if pattern.fullmatch(text) else f"{argument}：编号格式无效"
    try:
        if str(uuid.UUID(text)) == text.lower():
            return None
    except ValueError:
        pass
    return f"{argument}：应为 UUID 格式的编号（如 3f2b…-…）"


class _IdArguments(Visitor):
    def __init__(self, type_info: TypeInfo, variables: dict[str, Any], defaults: dict[str, Any]):
        super().__init__()
        self.type_info, self.variables, self.defaults = type_info, variables, defaults
        self.errors: list[str] = []

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        argument = self.type_info.get_argument()
        if argument is None or get_named_type(argument.type) is not GraphQLID:
            return
        for value in self._values(node.value):
            if value is not None and (message := id_error(node.name.value, value)):
                self.errors.append(message)

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
              variables: dict[str, Any] | None) -> list[str]:
    """Messages for every id argument of the operation that breaks its rule."""
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
    """Refuses the operation (VALIDATION, rule `id`) when an id argument breaks its rule; runs after the
    document is validated (an invalid document is answered by validation)."""

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.graphql_document is not None and not ctx.pre_execution_errors:
            errors = id_errors(ctx.schema._schema, ctx.graphql_document, getattr(ctx, "_provided_operation_name", None),
                               ctx.variables)
            if errors:
                ctx.pre_execution_errors = [GraphQLError("输入有误：" + "；".join(dict.fromkeys(errors)),
                                                         extensions={"code": "VALIDATION", "rule": "id"})]
        yield
