"""Gateway wiring: `uvicorn gateway.app:create_app --factory`."""
from __future__ import annotations

import gc
from pathlib import Path

import orjson
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from starlette.requests import HTTPConnection
from starlette.staticfiles import StaticFiles
from strawberry.exceptions import ConnectionRejectionError
from strawberry.fastapi import GraphQLRouter
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from chassis.errors import AppError
from chassis.service import build_service_app
from chassis.settings import Settings, get_settings

from .anonymous import AnonymousRateLimit
from .deps import gateway_deps
from .limits import graphql_refusal
from .projections import projections
from .requests import TypedRequestErrors
from .schema import Context, build_schema
from .schema.stations.nearest_direct import DirectNearest, direct_nearest, station_attributes

# The dashboard page, built by `make web` (gateway/web → gateway/web/dist).
WEB_DIST = Path(__file__).parent / "web" / "dist"


def settle_heap(_runtime: object = None) -> None:
    """Once the gateway has started, what start-up made and keeps (modules, the schema, the app, its pools:
    ≈ 170,000 objects) is set apart from the garbage collector's generations (`gc.freeze`), after one
    collection of start-up's own garbage. Python's full collection otherwise walks all of them, about once
    every 300 list pages: 0.3 of the 1.6 ms of CPU of a page in process (docs/BENCHMARKS.md, "List pages:
    profiled"). Objects set apart are still freed when nothing refers to them; only a cycle among them would
    stay. Once per process (tests start several apps in one)."""
    if not gc.get_freeze_count():
        gc.collect()
        gc.freeze()


class GatewayRouter(TypedRequestErrors, GraphQLRouter):
    def __init__(self, schema, **kwargs):
        super().__init__(schema, **kwargs)
        self.direct = DirectNearest(schema._schema, station_attributes(schema))

    def encode_json(self, data: object) -> str | bytes:
        """Answers as orjson writes them (strawberry's json.dumps was ≈ 3 % of a list page's CPU); the same
        JSON, UTF-8 instead of \\u escapes. Text, not bytes: strawberry sends bytes as a binary WebSocket
        frame, and graphql-transport-ws clients (the dashboard's) drop a connection that sends one. What
        orjson cannot write (an integer beyond 64 bits, a key that is not text) is written by strawberry's
        json.dumps as before."""
        try:
            return orjson.dumps(data).decode()
        except TypeError:  # orjson.JSONEncodeError is a TypeError
            return super().encode_json(data)

    async def execute_single(self, request, request_adapter, sub_response, context: Context, root_value,
                             request_data):
        """The anonymous station finder's flat documents on the direct path (nearest_direct.py); the rest,
        and anything that would be an error, as always."""
        anonymous = context.authorization is None
        if anonymous and request_data.query:
            answer = await self.direct.answer(request_data.query, request_data.operation_name,
                                              request_data.variables, lambda **args: direct_nearest(context, args))
            if answer is not None:
                return answer
        result = await super().execute_single(request, request_adapter, sub_response, context, root_value,
                                              request_data)
        if anonymous and request_data.query and not result.errors:
            self.direct.learn(request_data.query, request_data.operation_name)
        return result

    async def on_ws_connect(self, context: Context):
        """graphql-transport-ws: the token comes in connection_init; without a valid one the socket closes
        (4403) before any subscription starts."""
        try:
            context.principal  # noqa: B018 — verifies the token
        except AppError as exc:
            raise ConnectionRejectionError({"code": exc.code, "message": exc.message}) from None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    deps = gateway_deps(settings)
    app = build_service_app(name="gateway", title="xinqing gateway", settings=settings,
                            migrations=Path(__file__).parent / "migrations", topics=[],
                            projections=lambda rt: projections(settings), publishes=False, too_large=graphql_refusal,
                            deps=deps, on_startup=settle_heap)

    async def context(connection: HTTPConnection) -> Context:
        return Context(connection.app.state.runtime)

    router = GatewayRouter(build_schema(settings), context_getter=context,
                           graphql_ide="graphiql" if settings.introspection_allowed else None,
                           subscription_protocols=[GRAPHQL_TRANSPORT_WS_PROTOCOL])
    app.include_router(router, prefix="/graphql")
    app.state.direct_nearest = router.direct  # tests look at which documents it answers
    app.add_middleware(AnonymousRateLimit, deps=deps)  # outermost: a refused caller's body is not even read
    if WEB_DIST.is_dir():
        app.mount("/", StaticFiles(directory=WEB_DIST, html=True), name="dashboard")
    else:
        @app.get("/", include_in_schema=False)
        async def not_built() -> PlainTextResponse:
            return PlainTextResponse("看板页面尚未构建：请运行 make web（或 make up）。", status_code=503)
    return app
