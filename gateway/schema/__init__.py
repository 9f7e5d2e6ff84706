"""The GraphQL schema, assembled from one package per domain: youth/, branches/, stations/, cases/,
governance/ (12345 hot topics and governance items); me/, a
young person's own record (youth tokens); and public, what anyone may read without a token.

Each domain contributes a DashboardPart (its figures on the dashboard), a Mutation part
(forwarded to the service that owns it, common.forward) and optional Query / Subscription parts; they are
merged here so that domains grow side by side without editing each other's files. `build_schema(settings)`
adds the protections that depend on settings (limits, introspection).
"""
from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry
from graphql import GraphQLNamedType, GraphQLObjectType, get_named_type
from graphql.execution.middleware import MiddlewareManager
from strawberry.resolvers import is_default_resolver
from strawberry.tools import merge_types

from chassis.reference import DISTRICTS
from chassis.settings import Settings

from ..errors import ErrorCodes
from ..execution import FlatObjects
from ..ids import CheckedIds
from ..shared_events import SharedEvents, shared
from ..telemetry import Telemetry
from . import (
    branches,
    campaigns,
    cases,
    deputies,
    dream_space,
    governance,
    joint,
    me,
    public,
    recommendations,
    role_models,
    stations,
    volunteering,
    youth,
)
from .common import Context, DashboardBase, DashboardScope, DistrictArg, FromArg, ToArg, dashboard_scope
from .dashboard_cache import DashboardFigures, DashboardResults, pin, read_generations

DOMAINS = [youth, branches, stations, cases, governance, joint, volunteering, deputies, recommendations, dream_space,
           role_models, campaigns]
SELF_SERVICE = [me]  # queries and mutations of a youth token on its own record; nothing on the dashboard
PUBLIC = [public]  # what anyone may read without a token


def field_paths(type_: GraphQLNamedType, prefix: str = "", depth: int = 4) -> list[str]:
    """Every field path under an object type ("youth", "youth.total", "youth.byType.count", …)."""
    type_ = get_named_type(type_)
    if not isinstance(type_, GraphQLObjectType) or depth == 0:
        return []
    paths = []
    for name, field in type_.fields.items():
        paths.append(prefix + name)
        paths += field_paths(field.type, f"{prefix}{name}.", depth - 1)
    return paths


@strawberry.type
class DashboardMeta:
    @strawberry.field(description="本看板可提供的字段路径（如 youth.total）；页面的每个区块声明所需字段，"
                                  "缺少时隐藏该区块——尚未部署的领域不显示，也不会使查询出错")
    def available(self, info: strawberry.Info) -> list[str]:
        return field_paths(info.schema._schema.get_type("Dashboard"))


Dashboard = merge_types("Dashboard", tuple(m.DashboardPart for m in DOMAINS if hasattr(m, "DashboardPart"))
                        + (DashboardBase, DashboardMeta))


def dashboard_for(scope: DashboardScope) -> Dashboard:
    return Dashboard(district=scope.district, date_from=scope.date_from, date_to=scope.date_to)


@strawberry.type(description="区县")
class District:
    code: str
    name: str


@strawberry.type
class RootQuery:
    @strawberry.field(description="北京 16 区（GB/T 2260），看板筛选用")
    def districts(self, info: strawberry.Info) -> list[District]:
        info.context.principal  # noqa: B018 — authenticated callers only, like every read
        return [District(code=code, name=name) for code, name in DISTRICTS.items()]

    @strawberry.field(description="联席会议看板；区级令牌只看到本区，全市令牌可选一个区。"
                                  "minPosition：等待读模型追上该位置（读己之写）")
    async def dashboard(self, info: strawberry.Info, min_position: str | None = None, district: DistrictArg = None,
                        date_from: FromArg = None, to: ToArg = None) -> Dashboard:
        ctx: Context = info.context
        scope = dashboard_scope(ctx.principal, district, date_from, to)
        await ctx.await_position(min_position)
        return dashboard_for(scope)


@strawberry.type
class RootSubscription:
    @strawberry.subscription(description="看板实时更新：先给出当前看板，之后每当读模型应用了新事件再给出一次")
    async def dashboard_updated(self, info: strawberry.Info, district: DistrictArg = None, date_from: FromArg = None,
                                to: ToArg = None) -> AsyncGenerator[Dashboard, None]:
        ctx: Context = info.context
        scope = dashboard_scope(ctx.principal, district, date_from, to)
        yield dashboard_for(scope)
        ticks, rt, principal = ctx.runtime.deps.live, ctx.runtime, ctx.principal
        audience = (tuple(sorted(principal.roles)), principal.district, scope)  # what the answer depends on
        async for _ in ticks.follow(rt.projections.values(), lambda: read_generations(rt)):
            rt.verifier.verify(ctx.authorization)  # a socket outlives its token: expired ends the stream
            # every subscriber of this tick reads one state; those asking the same thing share one execution
            yield shared(pin(dashboard_for(scope), ticks.pinned), ticks.answers, audience)


Query = merge_types("Query", (RootQuery, *(m.Query for m in DOMAINS + SELF_SERVICE + PUBLIC if hasattr(m, "Query"))))
Mutation = merge_types("Mutation", tuple(m.Mutation for m in DOMAINS + SELF_SERVICE if hasattr(m, "Mutation")))
Subscription = merge_types("Subscription", (RootSubscription, *(m.Subscription for m in DOMAINS
                                                                 if hasattr(m, "Subscription"))))


class PlainFieldsDirect(MiddlewareManager):
    """The extensions' `resolve` hooks (Telemetry's spans, DashboardFigures' cache) for fields with a resolver
    of their own; a plain attribute (strawberry's default resolver: every field of a list item) is read
    directly. graphql-core otherwise calls each hook for every field of every row, and both only pass those
    through — ≈ 165 fields on a page of 20 (docs/BENCHMARKS.md, "List pages: profiled")."""

    def get_field_resolver(self, field_resolver):
        if is_default_resolver(field_resolver):
            return field_resolver
        return super().get_field_resolver(field_resolver)


class GatewayExecutor(SharedEvents, FlatObjects):
    """graphql-core's executor with objects of plain leaves in one step (gateway/execution.py) and a live
    tick's event executed once for all who ask the same (gateway/shared_events.py)."""


class GatewaySchema(strawberry.Schema):
    def _get_middleware_manager(self, extensions) -> MiddlewareManager:
        # strawberry's own (a fresh manager per request holding that request's extensions), plain fields direct
        return PlainFieldsDirect(*(ext for ext in extensions if ext._implements_resolve()))

    def process_errors(self, errors, execution_context=None) -> None:
        """strawberry logs every error at ERROR with its traceback: a refused token, a FORBIDDEN from a
        service, a validation error. Those are answers, not incidents; the unexpected ones are logged
        once, with the trace id, by gateway.errors.ErrorCodes."""


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    extensions: list = [Telemetry, ErrorCodes]  # Telemetry first: its end runs last, so it counts the final codes
    # figures computed once per state of the read models, and a repeated whole dashboard answered from memory
    extensions += [DashboardFigures, DashboardResults]
    if settings is not None:
        from ..limits import limit_extensions  # here: limits reads pagination, a module of this package

        extensions += limit_extensions(settings)
    extensions.append(CheckedIds)  # after validation (the limits' cache): ids that could change a service URL
    # objects of plain leaves (every row of a list page) completed in one step (gateway/execution.py)
    return GatewaySchema(query=Query, mutation=Mutation, subscription=Subscription, extensions=extensions,
                         execution_context_class=GatewayExecutor)


schema = build_schema()  # without limits: for printing the schema and tests of its shape

__all__ = ["Context", "build_schema", "schema"]
