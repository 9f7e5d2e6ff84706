"""Internships (实习岗位) offered by partner companies of the parks and companies a station serves, listed by
the station's staff: the company, the places, open until closed. No personal data: nobody applies here (a
young person contacts the company; the station only publishes the offer and its figure).

One stream per offer (`internship-<id>`, on the events topic beside events, shifts and projects).
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from chassis import checks
from chassis.decider import Decider
from chassis.errors import Collector
from chassis.event import Event, event
from chassis.lifecycle import refuse_if, stream_naming
from contracts.stations import ActivityEvents

PLACES_MAX = 1000


@dataclass(frozen=True)
class OfferInternship:
    internship_id: str
    station_id: str
    district: str  # the station's
    company: str
    title: str
    places: int


@dataclass(frozen=True)
class CloseInternship:
    """The places are filled or the offer withdrawn."""


InternshipCommand = OfferInternship | CloseInternship


@event(ActivityEvents.INTERNSHIP_OFFERED)
class InternshipOffered(Event):
    internship_id: str
    station_id: str
    district: str
    company: str
    title: str
    places: int


@event(ActivityEvents.INTERNSHIP_CLOSED)
class InternshipClosed(Event):
    internship_id: str
    district: str
    places: int  # the open places the figure loses


InternshipEvent = InternshipOffered | InternshipClosed


@dataclass(frozen=True)
class InternshipState:
    exists: bool = False
    internship_id: str = ""
    district: str = ""
    places: int = 0
    open: bool = False


def decide(command: InternshipCommand, state: InternshipState) -> list[InternshipEvent]:
    if isinstance(command, OfferInternship):
        refuse_if(state.exists, "该实习岗位已存在。", "already_exists")
        errors = Collector()
        checks.district(errors, command.district)
        checks.text(errors, command.company, "company", "企业名称")
        checks.text(errors, command.title, "title", "岗位名称")
        if not 1 <= command.places <= PLACES_MAX:
            errors.add("places", f"名额应为 1–{PLACES_MAX} 人", "range")
        errors.raise_if_any()
        return [InternshipOffered(internship_id=command.internship_id, station_id=command.station_id,
                                  district=command.district, company=command.company.strip(),
                                  title=command.title.strip(), places=command.places)]
    refuse_if(not state.exists, "实习岗位不存在。", "not_found")
    refuse_if(not state.open, "该实习岗位已关闭。", "already_closed")
    return [InternshipClosed(internship_id=state.internship_id, district=state.district, places=state.places)]


def evolve(state: InternshipState, event: InternshipEvent) -> InternshipState:
    if isinstance(event, InternshipOffered):
        return InternshipState(exists=True, internship_id=event.internship_id, district=event.district,
                               places=event.places, open=True)
    return replace(state, open=False)


internship = Decider(initial=InternshipState, decide=decide, evolve=evolve)
EVENTS = (InternshipOffered, InternshipClosed)
stream_id = stream_naming("internship")
