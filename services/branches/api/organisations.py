"""Organisations contacted: record the contact, then the working relationship (the branch founded in
one is recorded when the branch is founded with its organisationId)."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..domain import organisation
from .common import SECRETARIES, OrganisationId, execute, in_district, rt_of, stores, today

router = APIRouter(prefix="/organisations", tags=["organisations"])


class RecordContactRequest(ApiModel):
    name: str = Field(description="组织名称（园区、企业、平台、社会组织）")
    kind: str = Field(description="PARK | INTERNET_COMPANY | COURIER_COMPANY | PLATFORM | SOCIAL_ORG")
    district: str


@router.post("", status_code=201, response_model=Accepted, summary="记录联系的组织")
async def record_contact(body: RecordContactRequest, request: Request, who: Principal = Depends(caller)):
    who.require_in(body.district, *SECRETARIES)
    rt = rt_of(request)
    org_id = str(uuid.uuid4())
    command = organisation.RecordContact(organisation_id=org_id, name=body.name, kind=body.kind,
                                         district=body.district, today=today(rt))
    organisation.validate_contact(command)
    return await execute(rt, stores(rt).organisation, organisation.organisation, organisation.stream_id(org_id),
                         command, org_id)


@router.post("/{organisationId}/relationship", response_model=Accepted, summary="与组织建立工作关系")
async def establish_relationship(organisation_id: OrganisationId, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt, key = rt_of(request), str(organisation_id)
    return await execute(rt, stores(rt).organisation, organisation.organisation, organisation.stream_id(key),
                         organisation.EstablishRelationship(today=today(rt)), key,
                         guard=in_district(who, "未找到该组织。"))
