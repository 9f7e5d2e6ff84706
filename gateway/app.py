"""Gateway wiring: `uvicorn gateway.app:create_app --factory`."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from strawberry.fastapi import GraphQLRouter

from chassis.service import Runtime, build_service_app
from chassis.settings import Settings, get_settings

from . import views
from .clients import ServiceClient
from .schema import Context, schema

# The services mutations are forwarded to (each reachable at settings.service_url(name)).
SERVICES = ["registry", "branches"]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()

    async def wire(rt: Runtime) -> None:
        for service in SERVICES:
            rt.extras[service] = ServiceClient(service, settings.service_url(service))

    app = build_service_app(name="gateway", title="xinqing gateway", settings=settings,
                            migrations=Path(__file__).parent / "migrations", topics=[],
                            projections=lambda rt: views.projections(settings), on_startup=wire, publishes=False)

    async def context(request: Request) -> Context:
        return Context(request.app.state.runtime)

    app.include_router(GraphQLRouter(schema, context_getter=context, graphql_ide="graphiql"), prefix="/graphql")
    return app
