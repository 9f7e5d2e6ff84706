"""An unknown enum value, named like every other bad input: the argument (or input field) it was given for,
the rule `enum`, and the allowed values in Chinese. graphql-core says it in English and names a variable
(`$k`), which a front-end developer must map back to the argument; this does the mapping."""
from __future__ import annotations

import re
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    GraphQLEnumType,
    GraphQLError,
    GraphQLSchema,
    Node,
    ObjectFieldNode,
    VariableNode,
    Visitor,
    visit,
)

UNKNOWN = re.compile(r"Value '(?P<value>[^']*)' does not exist in '(?P<enum>\w+)' enum")
VARIABLE = re.compile(r"^Variable '\$(?P<variable>\w+)' has invalid value(?: at (?P<path>[.\w\[\]]+))?")


class _Names(Visitor):
    """The argument or input field whose value is the given variable or literal node."""

    def __init__(self, variable: str | None, literal: Node | None) -> None:
        super().__init__()
        self.variable, self.literal, self.stack, self.found = variable, literal, [], None

    def enter(self, node: Node, *_: Any) -> None:
        if isinstance(node, (ArgumentNode, ObjectFieldNode)):
            self.stack.append(node.name.value)
        elif self.found is None and self.stack and (
                node is self.literal or (isinstance(node, VariableNode) and node.name.value == self.variable)):
            self.found = self.stack[-1]

    def leave(self, node: Node, *_: Any) -> None:
        if isinstance(node, (ArgumentNode, ObjectFieldNode)):
            self.stack.pop()


def enum_error(error: GraphQLError, schema: GraphQLSchema | None,
               document: DocumentNode | None) -> tuple[dict, str] | None:
    """VALIDATION with `errors: [{field, rule: "enum", message}]` for an unknown enum value, else None."""
    unknown = UNKNOWN.search(error.message)
    if unknown is None or schema is None or document is None:
        return None
    enum = schema.type_map.get(unknown["enum"])
    allowed = "、".join(enum.values) if isinstance(enum, GraphQLEnumType) else unknown["enum"]
    variable = VARIABLE.search(error.message)
    names = _Names(variable["variable"] if variable else None,
                   None if variable else next(iter(error.nodes or ()), None))
    visit(document, names)
    inner = re.findall(r"\.(\w+)", variable["path"] or "") if variable else []  # inside an input object
    field = (inner[-1] if inner else None) or names.found or (variable["variable"] if variable else unknown["enum"])
    message = f"{field}：取值 {unknown['value']} 无效，应为 {allowed} 之一"
    return ({"code": "VALIDATION", "rule": "enum",
             "errors": [{"field": field, "rule": "enum", "message": message}]}, message)
