"""The stations service's published contract: a topic per aggregate and the event types on each."""
from __future__ import annotations

from .topic import Topic, types_of


class StationEvents:
    CREATED = "xq.stations.station.created.v1"
    SERVICES_CHANGED = "xq.stations.station.services-changed.v1"
    STATUS_CHANGED = "xq.stations.station.status-changed.v1"


class ServiceEvents:
    DELIVERED = "xq.stations.service.delivered.v1"
    RATED = "xq.stations.service.rated.v1"  # a young person rates the service of a station on a day


class ProgrammeEvents:
    CREATED = "xq.stations.programme.created.v1"
    ENROLLED = "xq.stations.programme.enrolled.v1"
    EXAM_RESULT_RECORDED = "xq.stations.programme.exam-result-recorded.v1"
    SCHOLARSHIP_PAID = "xq.stations.programme.scholarship-paid.v1"
    SESSION_ADDED = "xq.stations.programme.session-added.v1"
    SESSION_ATTENDED = "xq.stations.programme.session-attended.v1"


class ActivityEvents:  # the "event" aggregate: activities at a station
    ATTENDED = "xq.stations.event.attended.v1"
    REGISTERED = "xq.stations.event.registered.v1"
    REGISTRATION_CANCELLED = "xq.stations.event.registration-cancelled.v1"  # the place is free again
    SCHEDULED = "xq.stations.event.scheduled.v1"


class AppealEvents:
    CONTACT_OVERDUE = "xq.stations.appeal.contact-overdue.v1"
    CONTACTED = "xq.stations.appeal.contacted.v1"
    DISPATCHED = "xq.stations.appeal.dispatched.v1"
    IMPORTED = "xq.stations.appeal.imported.v1"
    RATED = "xq.stations.appeal.rated.v1"
    RESOLUTION_OVERDUE = "xq.stations.appeal.resolution-overdue.v1"
    RESOLVED = "xq.stations.appeal.resolved.v1"


STATION = Topic("xq.stations.station", "stations", types_of(StationEvents))
SERVICE = Topic("xq.stations.service", "stations", types_of(ServiceEvents))
PROGRAMME = Topic("xq.stations.programme", "stations", types_of(ProgrammeEvents))
EVENT = Topic("xq.stations.event", "stations", types_of(ActivityEvents))
APPEAL = Topic("xq.stations.appeal", "stations", types_of(AppealEvents))
TOPICS = (STATION, SERVICE, PROGRAMME, EVENT, APPEAL)
