"""Organisations contacted (parks, internet companies, courier companies, platforms, social
organisations): the pipeline CONTACTED → WORKING (a working relationship) → BRANCH_FOUNDED."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

from chassis.codec import EventCodec
from chassis.decider import Command, Decider, State
from chassis.errors import RuleViolated
from chassis.event import Event, event
from chassis.lifecycle import OnDay, refuse_if, stream_naming
from contracts.branches import OrganisationEvents

from .rules import unit_validation


class OrganisationKind(StrEnum):
    PARK = "PARK"                        # 文创园区
    INTERNET_COMPANY = "INTERNET_COMPANY"  # 互联网企业
    COURIER_COMPANY = "COURIER_COMPANY"  # 快递企业
    PLATFORM = "PLATFORM"                # 平台企业（外卖、网约车等）
    SOCIAL_ORG = "SOCIAL_ORG"            # 青年社会组织


class Stage(StrEnum):
    CONTACTED = "CONTACTED"
    WORKING = "WORKING"
    BRANCH_FOUNDED = "BRANCH_FOUNDED"


@dataclass(frozen=True)
class Contact:
    """The organisation a first contact is about: asked by `RecordContact`, recorded as it is by
    `OrganisationContacted`."""
    organisation_id: str
    name: str
    kind: str
    district: str


validate_contact = unit_validation(OrganisationKind, "组织类型")


class RecordContact(Contact, Command):
    today: date


class EstablishRelationship(OnDay):
    """The organisation and the league work together from `today` on."""


class LinkBranch(Command):
    branch_id: str
    today: date


@event(OrganisationEvents.CONTACTED)
class OrganisationContacted(Contact, Event):
    contacted_on: date


@event(OrganisationEvents.RELATIONSHIP_ESTABLISHED)
class RelationshipEstablished(Event):
    organisation_id: str
    established_on: date


@event(OrganisationEvents.BRANCH_FOUNDED)
class BranchLinked(Event):
    organisation_id: str
    branch_id: str
    founded_on: date


OrganisationCommand = RecordContact | EstablishRelationship | LinkBranch
OrganisationEvent = OrganisationContacted | RelationshipEstablished | BranchLinked


class OrganisationState(State):
    exists: bool = False  # contacted: organisation_id, district and stage are set
    organisation_id: str | None = None
    district: str | None = None
    stage: Stage | None = None
    branch_id: str | None = None


def decide(command: OrganisationCommand, state: OrganisationState) -> list[OrganisationEvent]:
    if isinstance(command, RecordContact):
        refuse_if(state.exists, "该组织已登记联系。", "already_recorded")
        validate_contact(command)
        return [OrganisationContacted(organisation_id=command.organisation_id, name=command.name.strip(),
                                      kind=command.kind, district=command.district, contacted_on=command.today)]
    if not state.exists or state.organisation_id is None:
        raise RuleViolated("未找到该组织。", rule="organisation_not_found")
    if isinstance(command, EstablishRelationship):
        if state.stage != Stage.CONTACTED:
            raise RuleViolated("已与该组织建立工作关系。", rule="relationship_exists")
        return [RelationshipEstablished(organisation_id=state.organisation_id, established_on=command.today)]
    if isinstance(command, LinkBranch):
        if state.branch_id is not None:
            raise RuleViolated("该组织已建立团支部。", rule="branch_exists", branch_id=state.branch_id)
        return [BranchLinked(organisation_id=state.organisation_id, branch_id=command.branch_id,
                             founded_on=command.today)]
    raise TypeError(f"unknown command {type(command).__name__}")


def evolve(state: OrganisationState, event: OrganisationEvent) -> OrganisationState:
    if isinstance(event, OrganisationContacted):
        return OrganisationState(True, event.organisation_id, event.district, Stage.CONTACTED)
    if isinstance(event, RelationshipEstablished):
        return replace(state, stage=Stage.WORKING)
    if isinstance(event, BranchLinked):
        return replace(state, stage=Stage.BRANCH_FOUNDED, branch_id=event.branch_id)
    return state


organisation = Decider(initial=OrganisationState, decide=decide, evolve=evolve)
codec = EventCodec(OrganisationContacted, RelationshipEstablished, BranchLinked)
stream_id = stream_naming("organisation")
