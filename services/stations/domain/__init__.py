"""Stations deciders, one module per aggregate: station, service_record (person-times), programme
(+ enrolment), activity (events: salons, talks…), appeal (接诉即办), case (求助个案), hot_topic (集中诉求),
governance (主动治理), rating (a person rates a station's service on a day), volunteering (volunteer shifts
and hours), incubation (筑梦空间 projects), internship (partner companies' internships), role_model (榜样选树 and
their 宣讲 talks), campaign and campaign_entry (media campaigns and their entries). Pure rules, no IO."""
from __future__ import annotations

from chassis.codec import EventCodec

from . import (
    activity,
    appeal,
    campaign,
    campaign_entry,
    case,
    governance,
    hot_topic,
    incubation,
    internship,
    programme,
    rating,
    role_model,
    service_record,
    station,
    volunteering,
)

# One codec per topic (the event store publishes each store's events to one topic).
codecs = {
    "station": EventCodec(*station.EVENTS),
    "service": EventCodec(*service_record.EVENTS, *rating.EVENTS),  # ratings of the service, beside it
    "programme": EventCodec(*programme.EVENTS),
    # shifts at stations and events, 筑梦空间 projects and internships, beside them
    "event": EventCodec(*activity.EVENTS, *volunteering.EVENTS, *incubation.EVENTS, *internship.EVENTS),
    "appeal": EventCodec(*appeal.EVENTS),
    "case": EventCodec(*case.EVENTS),
    "governance": EventCodec(*hot_topic.EVENTS, *governance.EVENTS),  # hot topics and the items made of them
    "role_model": EventCodec(*role_model.EVENTS),  # nominations and their talks; never the sealed profile
    "campaign": EventCodec(*campaign.EVENTS, *campaign_entry.EVENTS),  # media campaigns and their entries
}

__all__ = ["activity", "appeal", "campaign", "campaign_entry", "case",
           "codecs", "governance", "hot_topic", "incubation", "internship", "programme", "rating",
           "role_model", "service_record", "station", "volunteering"]
