"""The stations service's published contract: a topic per aggregate, the event types on each, and the
case taxonomy the gateway shares."""
from __future__ import annotations

from enum import StrEnum

from .topic import published


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
    # volunteer shifts at stations and events (services/stations/domain/volunteering.py): the same topic
    SHIFT_PUBLISHED = "xq.stations.event.shift-published.v1"
    SHIFT_SIGNED_UP = "xq.stations.event.shift-signed-up.v1"
    HOURS_RECORDED = "xq.stations.event.hours-recorded.v1"
    HOURS_CORRECTED = "xq.stations.event.hours-corrected.v1"
    # 筑梦空间 incubation projects at DREAM_SPACE stations (services/stations/domain/incubation.py): the same topic
    PROJECT_APPLIED = "xq.stations.event.project-applied.v1"
    PROJECT_SUPPORTED = "xq.stations.event.project-supported.v1"
    PROJECT_DECLINED = "xq.stations.event.project-declined.v1"
    PROJECT_MILESTONE = "xq.stations.event.project-milestone.v1"
    PROJECT_ENDED = "xq.stations.event.project-ended.v1"
    # internships offered by partner companies at a station (services/stations/domain/internship.py)
    INTERNSHIP_OFFERED = "xq.stations.event.internship-offered.v1"
    INTERNSHIP_CLOSED = "xq.stations.event.internship-closed.v1"
    # a young person's application for an internship, on the internship's stream (its places bound acceptances)
    INTERNSHIP_APPLIED = "xq.stations.event.internship-applied.v1"
    APPLICATION_ACCEPTED = "xq.stations.event.internship-application-accepted.v1"
    APPLICATION_DECLINED = "xq.stations.event.internship-application-declined.v1"
    APPLICATION_WITHDRAWN = "xq.stations.event.internship-application-withdrawn.v1"
    APPLICATION_ENDED = "xq.stations.event.internship-application-ended.v1"  # pending at closing or erasure


class ProjectStatus(StrEnum):
    """A 筑梦空间 incubation project's status (services/stations/domain/incubation.py; the gateway's filter)."""
    APPLIED = "APPLIED"
    SUPPORTED = "SUPPORTED"
    DECLINED = "DECLINED"
    COMPLETED = "COMPLETED"
    STOPPED = "STOPPED"


class ApplicationStatus(StrEnum):
    """An internship application's status (services/stations/domain/internship.py)."""
    PENDING = "PENDING"  # 待处理
    ACCEPTED = "ACCEPTED"  # 已录用
    DECLINED = "DECLINED"  # 未录用
    WITHDRAWN = "WITHDRAWN"  # 本人撤回
    ENDED = "ENDED"  # 岗位关闭时尚未处理


class AppealEvents:
    CONTACT_OVERDUE = "xq.stations.appeal.contact-overdue.v1"
    CONTACTED = "xq.stations.appeal.contacted.v1"
    DISPATCHED = "xq.stations.appeal.dispatched.v1"
    IMPORTED = "xq.stations.appeal.imported.v1"
    RATED = "xq.stations.appeal.rated.v1"
    RESOLUTION_OVERDUE = "xq.stations.appeal.resolution-overdue.v1"
    RESOLVED = "xq.stations.appeal.resolved.v1"
    CATEGORISED = "xq.stations.appeal.categorised.v1"  # a category from the case taxonomy (on import or by staff)


class CaseEvents:  # 咨询 → 转介 → 调解/援助 → 办结 → 评价 (services/stations/domain/case.py)
    OPENED = "xq.stations.case.opened.v1"
    TRIAGED = "xq.stations.case.triaged.v1"
    REFERRED = "xq.stations.case.referred.v1"
    AGENCY_ACCEPTED = "xq.stations.case.agency-accepted.v1"
    AGENCY_DECLINED = "xq.stations.case.agency-declined.v1"
    AGENCY_REPORTED = "xq.stations.case.agency-reported.v1"  # the agency's status changed, not the case's
    MEDIATION_STARTED = "xq.stations.case.mediation-started.v1"
    AID_GRANTED = "xq.stations.case.aid-granted.v1"
    RESOLVED = "xq.stations.case.resolved.v1"
    RATED = "xq.stations.case.rated.v1"
    REOPENED = "xq.stations.case.reopened.v1"
    FIRST_RESPONSE_OVERDUE = "xq.stations.case.first-response-overdue.v1"  # reminders, from the overdue job
    RESOLUTION_OVERDUE = "xq.stations.case.resolution-overdue.v1"


class HotTopicEvents:  # 集中诉求: a category's appeals in a district and week well above its recent weeks
    DETECTED = "xq.stations.governance.hot-topic-detected.v1"


class GovernanceEvents:  # 主动治理: a hot topic taken up as an item, with actions and a due date
    OPENED = "xq.stations.governance.opened.v1"
    ACTION_ADDED = "xq.stations.governance.action-added.v1"
    DONE = "xq.stations.governance.done.v1"
    OVERDUE = "xq.stations.governance.overdue.v1"  # from the overdue job


class RoleModelEvents:  # 榜样选树 and their 宣讲 talks (services/stations/domain/role_model.py)
    NOMINATED = "xq.stations.role-model.nominated.v1"  # never the profile: it stays sealed in the stations' table
    CONSENT_GIVEN = "xq.stations.role-model.consent-given.v1"  # the nominee's own, to be published
    CONSENT_REFUSED = "xq.stations.role-model.consent-refused.v1"  # refused, or given then withdrawn
    SELECTED = "xq.stations.role-model.selected.v1"  # into the year's list (北京青年榜样 of year N)
    DECLINED = "xq.stations.role-model.declined.v1"
    WITHDRAWN = "xq.stations.role-model.withdrawn.v1"  # off the list: by staff, or the consent withdrawn
    TALK_RECORDED = "xq.stations.role-model.talk-recorded.v1"


class VenueKind(StrEnum):  # where a role model's talk (宣讲) was given; the gateway's enum is this one
    PARK = "PARK"        # 园区
    COMPANY = "COMPANY"  # 企业
    STATION = "STATION"  # 驿站
    ONLINE = "ONLINE"    # 线上
class CampaignEvents:  # media campaigns (「小岗位 大英雄」): services/stations/domain/campaign.py, campaign_entry.py
    LAUNCHED = "xq.stations.campaign.launched.v1"
    CLOSED = "xq.stations.campaign.closed.v1"  # early by its admin, or at the end of its window (the job)
    # An entry's title and link are the entrant's own content: never on an event (sealed in the service's table).
    ENTERED = "xq.stations.campaign.entered.v1"
    ENTRY_WITHDRAWN = "xq.stations.campaign.entry-withdrawn.v1"
    ENTRY_JUDGED = "xq.stations.campaign.entry-judged.v1"  # selected or not


class CampaignAudience(StrEnum):
    """The groups a campaign addresses: the youth types of chassis/reference.py (YOUTH_TYPES)."""
    ONLINE_CULTURE = "ONLINE_CULTURE"    # 网络文化青年
    INDEPENDENT_ART = "INDEPENDENT_ART"  # 独立文艺青年
    NEW_BUSINESS = "NEW_BUSINESS"        # 生活新业态青年


class CampaignStatus(StrEnum):
    UPCOMING = "UPCOMING"  # launched, its window not yet open
    OPEN = "OPEN"
    CLOSED = "CLOSED"      # its window ended, or closed early


class EntryStatus(StrEnum):
    SUBMITTED = "SUBMITTED"
    WITHDRAWN = "WITHDRAWN"
    SELECTED = "SELECTED"
    NOT_SELECTED = "NOT_SELECTED"


class CaseCategory(StrEnum):
    CAREER = "CAREER"                      # 就业创业
    SOCIAL_SECURITY = "SOCIAL_SECURITY"    # 社保
    LEGAL_ADVICE = "LEGAL_ADVICE"          # 法律咨询
    LEGAL_AID = "LEGAL_AID"                # 法律援助
    LABOUR_DISPUTE = "LABOUR_DISPUTE"      # 劳动争议
    WORK_INJURY = "WORK_INJURY"            # 工伤
    TRAFFIC_ACCIDENT = "TRAFFIC_ACCIDENT"  # 交通事故
    WAGE_ARREARS = "WAGE_ARREARS"          # 欠薪
    PLATFORM_RULES = "PLATFORM_RULES"      # 平台规则（派单、罚款、算法）
    PSYCHOLOGICAL = "PSYCHOLOGICAL"        # 心理
    HOUSING = "HOUSING"                    # 住房
    EDUCATION = "EDUCATION"                # 教育培训
    OTHER = "OTHER"


class CaseUrgency(StrEnum):
    NORMAL = "NORMAL"
    URGENT = "URGENT"      # e.g. wages owed before a deadline, an injury without care
    CRITICAL = "CRITICAL"  # safety at risk: a psychological crisis, violence


class CaseStatus(StrEnum):
    OPEN = "OPEN"
    TRIAGED = "TRIAGED"
    REFERRED = "REFERRED"
    ACCEPTED = "ACCEPTED"        # by the agency it was referred to
    DECLINED = "DECLINED"        # by that agency: refer elsewhere or resolve
    IN_MEDIATION = "IN_MEDIATION"
    AID_GRANTED = "AID_GRANTED"
    RESOLVED = "RESOLVED"
    RATED = "RATED"


class AgencyStatus(StrEnum):
    """Where a referred case stands at the agency (from its replies; shown on the case)."""
    REFERRED = "REFERRED"            # sent, not yet answered
    ACCEPTED = "ACCEPTED"
    DECLINED = "DECLINED"
    IN_PROGRESS = "IN_PROGRESS"      # being handled
    AID_REVIEW = "AID_REVIEW"        # legal aid being decided
    IN_MEDIATION = "IN_MEDIATION"
    NOT_SETTLED = "NOT_SETTLED"      # mediation ended without agreement
    AID_GRANTED = "AID_GRANTED"
    AID_REFUSED = "AID_REFUSED"
    CLOSED = "CLOSED"                # the agency closed it (the case is resolved)


class CaseOutcome(StrEnum):
    SETTLED = "SETTLED"
    AID_GIVEN = "AID_GIVEN"
    ADVICE_GIVEN = "ADVICE_GIVEN"
    WITHDRAWN = "WITHDRAWN"
    UNREACHABLE = "UNREACHABLE"


class CaseSource(StrEnum):
    WALK_IN = "WALK_IN"  # opened by station staff
    APPEAL = "APPEAL"    # from a 12345 appeal
    YOUTH = "YOUTH"      # opened by the person themself (openMyCase)


class GovernanceTopicEvents(HotTopicEvents, GovernanceEvents):
    """Hot topics and the governance items made of them share one topic: the 主动治理 side, read together."""


READERS = frozenset({"gateway"})  # the dashboard's read models
TOPICS = published("stations", READERS, StationEvents, ServiceEvents, ProgrammeEvents, ActivityEvents,
                   AppealEvents, CaseEvents, GovernanceTopicEvents, RoleModelEvents, CampaignEvents)
STATION, SERVICE, PROGRAMME, EVENT, APPEAL, CASE, GOVERNANCE, ROLE_MODEL, CAMPAIGN = TOPICS
