"""Protection against abusive queries: depth, aliases, tokens, cost, request body size (the refusal's
shape here; chassis.body_limit counts the bytes); introspection off where the settings say so. Every
refusal is a clear error with `extensions.code = VALIDATION` and the `rule` that was broken (see
errors.LIMIT_MESSAGES)."""
from __future__ import annotations

from collections import OrderedDict

import orjson
from graphql import (
    DocumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    GraphQLField,
    GraphQLInterfaceType,
    GraphQLNamedType,
    GraphQLObjectType,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    get_named_type,
)
from graphql.validation import ValidationContext, ValidationRule
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxTokensLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.extensions.max_aliases import create_validator as aliases_rule
from strawberry.extensions.query_depth_limiter import create_validator as depth_rule

from chassis.settings import Settings

from .schema.pagination import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE

CACHED_DOCUMENTS = 256  # distinct documents kept parsed and validated (least recently used dropped)
MAX_CACHED_QUERY = 20_000  # characters: the dashboard page's query is about 1,000


def page_size(node: FieldNode, field: GraphQLField | None) -> int:
    """How many items a list field asks for: its `first` argument (a literal; the maximum when it comes from
    a variable; else the argument's default). 1 for a field without `first`."""
    declared = field.args.get("first") if field is not None else None
    if declared is None:
        return 1
    for arg in node.arguments or ():
        if arg.name.value == "first":
            return int(arg.value.value) if isinstance(arg.value, IntValueNode) else MAX_PAGE_SIZE
    return declared.default_value if isinstance(declared.default_value, int) else DEFAULT_PAGE_SIZE


def selection_cost(selection_set: SelectionSetNode | None, parent: GraphQLNamedType | None,
                   context: ValidationContext, seen: frozenset = frozenset()) -> int:
    """Each field costs 1 plus its children; a page (a field with `first`) multiplies its children's cost
    by the page size it asks for."""
    if selection_set is None:
        return 0
    total = 0
    fields = parent.fields if isinstance(parent, GraphQLObjectType | GraphQLInterfaceType) else {}
    for node in selection_set.selections:
        if isinstance(node, FieldNode):
            field = fields.get(node.name.value)
            child = get_named_type(field.type) if field is not None else None
            total += 1 + page_size(node, field) * selection_cost(node.selection_set, child, context, seen)
        elif isinstance(node, InlineFragmentNode):
            condition = context.schema.get_type(node.type_condition.name.value) if node.type_condition else parent
            total += selection_cost(node.selection_set, condition, context, seen)
        elif isinstance(node, FragmentSpreadNode) and node.name.value not in seen:  # cycles are another rule's job
            fragment = context.get_fragment(node.name.value)
            if fragment is not None:
                total += selection_cost(fragment.selection_set, context.schema.get_type(fragment.type_condition.name.value),
                                        context, seen | {node.name.value})
    return total


def cost_rule(max_cost: int) -> type[ValidationRule]:
    class MaxCost(ValidationRule):
        def enter_operation_definition(self, node, *_args):
            root = self.context.schema.get_root_type(node.operation)
            cost = selection_cost(node.selection_set, root, self.context)
            if cost > max_cost:
                self.report_error(GraphQLError(
                    f"查询过于复杂（估算成本 {cost}，上限 {max_cost}）：请减少字段或每页条数。", node,
                    extensions={"code": "VALIDATION", "rule": "cost", "cost": cost, "max_cost": max_cost}))

    return MaxCost


class OneOperationNamed(SchemaExtension):
    """A document with several operations runs only the one `operationName` names (the GraphQL spec's
    rule; strawberry would otherwise run the first). It runs after ValidationCache has set the
    document's errors, and adds its own only to a document with none."""

    def on_validate(self):
        ctx = self.execution_context
        document = ctx.graphql_document
        named = getattr(ctx, "_provided_operation_name", None)  # `operation_name` falls back to the first
        if named is None and document is not None and not ctx.pre_execution_errors:
            count = sum(isinstance(d, OperationDefinitionNode) for d in document.definitions)
            if count > 1:
                ctx.pre_execution_errors = [GraphQLError(
                    f"文档含 {count} 个操作：请用 operationName 指定要执行的一个。",
                    extensions={"code": "VALIDATION", "rule": "operation"})]
        yield


class ParsedDocuments(SchemaExtension):
    """A query text parsed before is not parsed again (the dashboard page sends the same one every time;
    parsing was a sixth of the gateway's CPU per dashboard request). Unlike strawberry's ParserCache it
    never parses itself: on a miss strawberry parses, inside its own error handling (the token limit's
    error stays a clean VALIDATION), and only a document that parsed is kept. Texts longer than
    `MAX_CACHED_QUERY` are not kept, so the cache stays small whatever clients send."""

    documents: OrderedDict[tuple, DocumentNode] = OrderedDict()  # process-wide, least recently used dropped

    def on_parse(self):
        ctx = self.execution_context
        key = (ctx.query, tuple(sorted(ctx.parse_options.items())))
        document = self.documents.get(key)
        if document is not None:
            self.documents.move_to_end(key)
            ctx.graphql_document = document
        yield
        if document is None and ctx.graphql_document is not None and len(ctx.query or "") <= MAX_CACHED_QUERY:
            self.documents[key] = ctx.graphql_document
            if len(self.documents) > CACHED_DOCUMENTS:
                self.documents.popitem(last=False)


def limit_extensions(settings: Settings) -> list:
    """Factories (a fresh extension per request, as strawberry asks). The rules are built once, so that a
    document seen before is validated once (ValidationCache is keyed by the document and its rules; it was
    17 % of the gateway's CPU for the dashboard page, which sends the same query every time), and parsed
    once (ParsedDocuments, after MaxTokensLimiter, which sets the parse options it is keyed by)."""
    s = settings
    rules = [depth_rule(s.graphql_max_depth, None, None), aliases_rule(s.graphql_max_aliases),
             cost_rule(s.graphql_max_cost)]
    factories = [
        lambda: MaxTokensLimiter(max_token_count=s.graphql_max_tokens),
        ParsedDocuments,
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=CACHED_DOCUMENTS),
        OneOperationNamed,  # after the cache: it depends on operationName, not only on the document
    ]
    if not s.introspection_allowed:
        factories.append(DisableIntrospection)
    return factories


def graphql_refusal(max_bytes: int) -> bytes:
    """The gateway's answer to an oversized body (chassis.body_limit): a GraphQL-shaped VALIDATION error."""
    return orjson.dumps({"data": None, "errors": [{
        "message": f"请求体过大（上限 {max_bytes} 字节）。",
        "extensions": {"code": "VALIDATION", "rule": "body_size", "max_bytes": max_bytes}}]})
