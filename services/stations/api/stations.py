"""Stations: create one, open or close it, change the services it offers."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import execute
from ..deps import runtime
from ..domain import station
from .common import STAFF

router = APIRouter(tags=["stations"])


class CreateStationRequest(ApiModel):
    kind: str = Field(description="WARM_HEART | RIDER_REFUEL | DREAM_SPACE")
    name: str
    district: str
    address: str
    lat: float
    lon: float
    operator: str = Field(description="LEAGUE | TRADE_UNION | WOMENS_FEDERATION | COMPANY")
    opening_hours: str
    services: list[str] = Field(max_length=20)


class StationStatusRequest(ApiModel):
    status: str = Field(description="OPEN | TEMPORARILY_CLOSED | CLOSED")
    reason: str = ""
    expected_version: int | None = None


class StationServicesRequest(ApiModel):
    services: list[str] = Field(max_length=20)
    expected_version: int | None = None


@router.post("/stations", status_code=201, response_model=Accepted, summary="新建站点")
async def create_station(body: CreateStationRequest, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *STAFF)
    station_id = str(uuid.uuid4())
    command = station.CreateStation(station_id=station_id, kind=body.kind, name=body.name, district=body.district,
                                    address=body.address, lat=body.lat, lon=body.lon, operator=body.operator,
                                    opening_hours=body.opening_hours, services=tuple(body.services))
    station.validate_station(command)
    rt = runtime(request)
    return await execute(rt, rt.deps.stores.station, station.station, station.stream_id(station_id), command,
                         station_id)


@router.post("/stations/{station_id}/status", response_model=Accepted, summary="变更站点状态")
async def change_station_status(station_id: uuid.UUID, body: StationStatusRequest, request: Request,
                                who: Principal = Depends(caller)):
    return await _staff_step(request, who, station_id, station.ChangeStationStatus(body.status, body.reason),
                             body.expected_version)


@router.put("/stations/{station_id}/services", response_model=Accepted, summary="变更服务项目")
async def change_station_services(station_id: uuid.UUID, body: StationServicesRequest, request: Request,
                                  who: Principal = Depends(caller)):
    return await _staff_step(request, who, station_id, station.ChangeStationServices(tuple(body.services)),
                             body.expected_version)


async def _staff_step(request: Request, who: Principal, station_id: uuid.UUID, command,
                      expected_version: int | None):
    """Station staff change a station that exists in their district (at `expected_version`, when given)."""
    who.require(*STAFF)
    rt, sid = runtime(request), str(station_id)
    return await execute(rt, rt.deps.stores.station, station.station, station.stream_id(sid), command, sid, who=who,
                         expected_version=expected_version)
