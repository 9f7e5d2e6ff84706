"""Organisations contacted: record the contact, then the working relationship (the branch founded in
one is recorded when the branch is founded with its organisationId)."""
from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, Request
from pydantic import Field

from chassis.auth import Principal
from chassis.commands import accepted, transaction
from chassis.http import Accepted, ApiModel
from chassis.service import caller

from ..commands import run
from ..domain import organisation
from .common import SECRETARIES, OrganisationId, existing, rt_of, stores, today

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
    async with transaction(rt.pool) as conn:
        envelopes, _ = await run(conn, stores(rt).organisation, organisation.organisation,
                                 organisation.stream_id(org_id), command)
    return accepted(envelopes, org_id)


@router.post("/{organisationId}/relationship", response_model=Accepted, summary="与组织建立工作关系")
async def establish_relationship(organisation_id: OrganisationId, request: Request, who: Principal = Depends(caller)):
    who.require(*SECRETARIES)
    rt = rt_of(request)
    sid = organisation.stream_id(str(organisation_id))
    async with transaction(rt.pool) as conn:
        await existing(conn, who, stores(rt).organisation, organisation.organisation, sid, "未找到该组织。")
        envelopes, _ = await run(conn, stores(rt).organisation, organisation.organisation, sid,
                                 organisation.EstablishRelationship(today=today(rt)))
    return accepted(envelopes, str(organisation_id))
