"""GraphQL operations and resolvers in the trace and in the metrics.

Strawberry's own OpenTelemetryExtension records the query text and every resolver argument as span
attributes; a registration's input is a name, a mobile and a birth date, so this one records only
names: the operation (name and type), each resolver's field path, and the error codes.
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from inspect import isawaitable

from opentelemetry import trace
from strawberry.extensions import SchemaExtension
from strawberry.resolvers import is_default_resolver

from chassis import metrics

from .operations import operation_label

tracer = trace.get_tracer("xinqing.graphql")


def traced(info) -> bool:
    """A field with a resolver of its own, outside introspection: what strawberry's `should_skip_tracing`
    decides, in the order that answers a plain attribute first — a list page asks this of every field of
    every row (≈ 165 per page of 20), and strawberry's version walks the field's whole path each time
    (docs/BENCHMARKS.md, "List pages: profiled")."""
    field = info.parent_type.fields.get(info.field_name)
    if field is None or field.resolve is None or is_default_resolver(field.resolve):
        return False
    # under introspection every parent type is one of graphql's own (__Schema, __Type, …)
    return not (info.field_name.startswith("__") or info.parent_type.name.startswith("__"))


class Telemetry(SchemaExtension):
    """List it before ErrorCodes: its end runs after theirs, so it counts the final error codes."""

    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        with tracer.start_as_current_span("graphql") as span:
            self._span = span
            yield
            ec = self.execution_context
            name = operation_label(ec.operation_name)  # the client's own name only when it is a known one
            # The span's name is as bounded as the metric's label; the name the client sent is an attribute
            # (bounded in length), for finding its traces.
            span.set_attribute("graphql.operation.sent_name", (ec.operation_name or "")[:100])
            try:
                kind = ec.operation_type.value
            except Exception:  # the document did not parse
                kind = "invalid"
            span.update_name(f"graphql {kind} {name}")
            span.set_attribute("graphql.operation.name", name)
            span.set_attribute("graphql.operation.type", kind)
            errors = getattr(ec.result, "errors", None) or []
            codes = [(e.extensions or {}).get("code", "INTERNAL") for e in errors]
            if codes:
                span.set_attribute("xq.error_codes", sorted(set(codes)))
                if "INTERNAL" in codes or "UNAVAILABLE" in codes:
                    span.set_status(trace.Status(trace.StatusCode.ERROR))
        metrics.GRAPHQL_DURATION.record(time.perf_counter() - started, {
            "operation": name, "type": kind, "outcome": "error" if codes else "ok"})
        for code in codes:
            metrics.ERRORS.add(1, {"service": "gateway", "component": "graphql", "kind": code})

    def resolve(self, _next, root, info, *args, **kwargs):
        # Not `async def`: an async hook makes graphql-core await every field of the answer, trivial
        # attributes included — for the dashboard's ≈ 300 values that was most of the gateway's CPU
        # per request (docs/BENCHMARKS.md, benchmark 5). Default resolvers pass straight through.
        if not traced(info):
            return _next(root, info, *args, **kwargs)
        return self._traced(_next, root, info, *args, **kwargs)

    async def _traced(self, _next, root, info, *args, **kwargs):
        path = ".".join(str(p) for p in info.path.as_list())
        with tracer.start_as_current_span(f"graphql.resolve {info.parent_type.name}.{info.field_name}",
                                          context=trace.set_span_in_context(self._span),
                                          attributes={"graphql.field.path": path,
                                                      "graphql.field.parent_type": info.parent_type.name}):
            result = _next(root, info, *args, **kwargs)
            return await result if isawaitable(result) else result
