"""Certificates of volunteer hours: for the person themselves (youth token) or for station staff (their
district's hours). Each one asked is issued with a new number by the stations service."""
from __future__ import annotations

import strawberry

from ..common import STATIONS, forward, own
from .types import VolunteerCertificate


@strawberry.type
class Query:
    @strawberry.field(description="开具志愿服务时长证明（站点工作人员；区级只计本区时长）；每次开具生成新编号")
    async def volunteer_certificate(self, info: strawberry.Info, youth_id: strawberry.ID) -> VolunteerCertificate:
        return VolunteerCertificate.of(await forward(info, STATIONS, "/volunteering/certificates",
                                                     json={"youthId": youth_id}))

    @strawberry.field(description="本人的志愿服务时长证明（仅青年本人令牌）；每次开具生成新编号")
    async def my_volunteer_certificate(self, info: strawberry.Info) -> VolunteerCertificate:
        own(info)
        return VolunteerCertificate.of(await forward(info, STATIONS, "/me/volunteering/certificate"))
