"""Station decider: 暖心驿站, 小哥加油站, 筑梦空间 — where they are, who runs them, what they offer."""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from chassis import checks
from chassis.decider import Command, Decider, State
from chassis.errors import Collector, RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import stream_naming
from chassis.reference import SERVICE_TYPES, STATION_KINDS
from contracts.stations import StationEvents

from .common import check_point


class Operator(StrEnum):
    LEAGUE = "LEAGUE"                # 团组织
    TRADE_UNION = "TRADE_UNION"      # 工会
    WOMENS_FEDERATION = "WOMENS_FEDERATION"  # 妇联
    COMPANY = "COMPANY"              # 企业


class StationStatus(StrEnum):
    OPEN = "OPEN"
    TEMPORARILY_CLOSED = "TEMPORARILY_CLOSED"
    CLOSED = "CLOSED"  # for good: no further change


# Health-related records are sensitive (PIPL): outside the station's own database they are counts only.
HEALTH_SERVICES = frozenset({"HEALTH_CHECK", "FREE_CLINIC"})


@dataclass(frozen=True)
class StationFacts:
    """What creating a station asks for and what its `created` event records (texts cleaned); the services
    follow, a tuple on the command and the sorted list on the event."""
    station_id: str
    kind: str
    name: str
    district: str
    address: str
    lat: float
    lon: float
    operator: str
    opening_hours: str


class CreateStation(StationFacts, Command):
    services: tuple[str, ...]


class ChangeStationStatus(Command):
    status: str
    reason: str = ""


class ChangeStationServices(Command):
    services: tuple[str, ...]


StationCommand = CreateStation | ChangeStationStatus | ChangeStationServices


@event(StationEvents.CREATED)
class StationCreated(StationFacts, Event):
    services: list[str]


@event(StationEvents.STATUS_CHANGED)
class StationStatusChanged(Event):
    station_id: str
    status: str
    reason: str


@event(StationEvents.SERVICES_CHANGED)
class StationServicesChanged(Event):
    station_id: str
    services: list[str]


StationEvent = StationCreated | StationStatusChanged | StationServicesChanged


class StationState(State):
    exists: bool = False  # created: station_id, kind, district and status are set
    station_id: str | None = None
    kind: str | None = None
    district: str | None = None
    status: str | None = None
    services: tuple[str, ...] = ()


def _check_services(errors: Collector, services: tuple[str, ...]) -> None:
    bad = [s for s in services if s not in SERVICE_TYPES]
    if bad:
        errors.add("services", f"服务类型无效：{'、'.join(bad)}；应为 {'、'.join(SERVICE_TYPES)} 之一", "enum")
    elif not services:
        errors.add("services", "至少提供一项服务", "required")


def validate_station(c: CreateStation) -> None:
    errors = Collector()
    checks.one_of(errors, "kind", c.kind, STATION_KINDS, "站点类型")  # 暖心驿站, 小哥加油站, 筑梦空间
    checks.text(errors, c.name, "name", "站点名称")
    checks.district(errors, c.district)
    checks.text(errors, c.address, "address", "地址", 200)
    check_point(errors, c.lat, c.lon)
    checks.one_of(errors, "operator", c.operator, Operator, "运营方")
    checks.text(errors, c.opening_hours, "openingHours", "开放时间")
    _check_services(errors, c.services)
    errors.raise_if_any()


def decide(command: StationCommand, state: StationState) -> list[StationEvent]:
    if isinstance(command, CreateStation):
        if state.exists:
            raise RuleViolated("该站点已存在。", rule="already_exists")
        validate_station(command)
        return [StationCreated(station_id=command.station_id, kind=command.kind, name=command.name.strip(),
                               district=command.district, address=command.address.strip(), lat=command.lat,
                               lon=command.lon, operator=command.operator,
                               opening_hours=command.opening_hours.strip(),
                               services=sorted(set(command.services)))]
    if not state.exists or state.station_id is None:
        raise RuleViolated("站点不存在。", rule="not_found")
    if state.status == StationStatus.CLOSED:
        raise RuleViolated("站点已永久关闭，不能再修改。", rule="closed")
    if isinstance(command, ChangeStationStatus):
        errors = Collector()
        checks.one_of(errors, "status", command.status, StationStatus, "状态")
        errors.raise_if_any()
        if command.status == state.status:
            raise RuleViolated(f"站点已是 {command.status} 状态。", rule="unchanged")
        return [StationStatusChanged(station_id=state.station_id, status=command.status,
                                     reason=command.reason.strip()[:200])]
    if isinstance(command, ChangeStationServices):
        errors = Collector()
        _check_services(errors, command.services)
        errors.raise_if_any()
        return [StationServicesChanged(station_id=state.station_id, services=sorted(set(command.services)))]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: StationState, event: StationEvent) -> StationState:
    if isinstance(event, StationCreated):
        return StationState(exists=True, station_id=event.station_id, kind=event.kind, district=event.district,
                            status=StationStatus.OPEN, services=tuple(event.services))
    if isinstance(event, StationStatusChanged):
        return replace(state, status=event.status)
    if isinstance(event, StationServicesChanged):
        return replace(state, services=tuple(event.services))
    return state


station = Decider(initial=StationState, decide=decide, evolve=evolve)
EVENTS = (StationCreated, StationStatusChanged, StationServicesChanged)
stream_id = stream_naming("station")
