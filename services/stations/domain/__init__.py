"""Stations deciders, one module per aggregate: station, service_record (person-times), programme
(+ enrolment), activity (events: salons, talks…), appeal (接诉即办), case (求助个案), rating (a person rates a
station's service on a day). Pure rules, no IO."""
from __future__ import annotations

from chassis.codec import EventCodec

from . import activity, appeal, case, programme, rating, service_record, station

# One codec per topic (the event store publishes each store's events to one topic).
codecs = {
    "station": EventCodec(*station.EVENTS),
    "service": EventCodec(*service_record.EVENTS, *rating.EVENTS),  # ratings of the service, beside it
    "programme": EventCodec(*programme.EVENTS),
    "event": EventCodec(*activity.EVENTS),
    "appeal": EventCodec(*appeal.EVENTS),
    "case": EventCodec(*case.EVENTS),
}

__all__ = ["activity", "appeal", "case", "codecs", "programme", "rating", "service_record", "station"]
