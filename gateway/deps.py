"""What the gateway's resolvers are given: a client per service it forwards commands to, the cache of
dashboard figures, the live dashboard's ticks, the open stations in memory (nearestStations), the anonymous
callers' rate limit, and the clock."""
from __future__ import annotations

from dataclasses import dataclass, field

from chassis import service
from chassis.clock import Clock
from chassis.settings import Settings

from .anonymous import AnonymousLimit, proxies
from .clients import ServiceClient
from .live import LiveTicks
from .schema.common import BRANCHES, REGISTRY, STATIONS
from .schema.dashboard_cache import FigureCache
from .schema.stations.nearest import StationIndex

# The services mutations are forwarded to (each reachable at settings.service_url(name)).
SERVICES = (REGISTRY, BRANCHES, STATIONS)


@dataclass
class GatewayDeps:
    clients: dict[str, ServiceClient]
    anonymous: AnonymousLimit
    figures: FigureCache = field(default_factory=FigureCache)
    live: LiveTicks = field(default_factory=LiveTicks)  # dashboardUpdated's shared ticks
    stations: StationIndex = field(default_factory=StationIndex)
    clock: Clock = field(default_factory=Clock)


def gateway_deps(settings: Settings) -> GatewayDeps:
    return GatewayDeps({s: ServiceClient(s, settings.service_url(s)) for s in SERVICES},
                       AnonymousLimit(settings.anonymous_per_minute, proxies(settings.trusted_proxies)),
                       FigureCache(settings.dashboard_answer_max_age_seconds))


Runtime = service.Runtime[GatewayDeps]
