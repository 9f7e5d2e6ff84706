"""筑梦空间's output types: the dashboard's figures, the staff lists (projects, internships, an internship's
applications), an application as its applicant sees it, and a project's summary as its district's staff read it."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import strawberry

from contracts.stations import ApplicationStatus, ProjectStatus

ProjectState = strawberry.enum(ProjectStatus, name="ProjectStatus", description=(
    "APPLIED 已申请 | SUPPORTED 获得支持（在孵）| DECLINED 不予支持 | COMPLETED 完成结项 | STOPPED 终止"))
ApplicationState = strawberry.enum(ApplicationStatus, name="InternshipApplicationStatus", description=(
    "PENDING 待处理 | ACCEPTED 已录用 | DECLINED 未录用 | WITHDRAWN 本人撤回 | ENDED 岗位关闭时尚未处理"))


@strawberry.type(description="筑梦空间孵化项目与合作企业实习岗位（按站点所在区县）")
class DreamSpaceFigures:
    applied_projects: int = strawberry.field(description="申请的项目")
    active_projects: int = strawberry.field(description="在孵项目（获得支持、尚未结项）")
    completed_projects: int = strawberry.field(description="完成结项的项目")
    stopped_projects: int = strawberry.field(description="终止的项目")
    open_internships: int = strawberry.field(description="开放中的实习岗位")
    open_internship_places: int = strawberry.field(description="开放中的实习名额")
    internship_applications: int = strawberry.field(description="实习申请（累计）")
    accepted_applications: int = strawberry.field(description="其中已录用")


@strawberry.type(description="筑梦空间孵化项目（工作人员列表；不含申请人）")
class DreamSpaceProject:
    id: strawberry.ID
    station_id: strawberry.ID
    district: str
    title: str
    field: str = strawberry.field(description="ONLINE_LITERATURE | INDIE_MUSIC | DESIGN | LIVE_STREAMING | OTHER")
    status: ProjectState  # type: ignore[valid-type]
    milestones: int = strawberry.field(description="已记录的里程碑")
    applied_at: datetime


def to_project(r: Any) -> DreamSpaceProject:
    return DreamSpaceProject(id=r["project_id"], station_id=r["station_id"], district=r["district"], title=r["title"],
                             field=r["field"], status=ProjectState(r["status"]), milestones=r["milestones"],
                             applied_at=r["applied_at"])


@strawberry.type(description="合作企业的实习岗位，及其申请与录用人数")
class Internship:
    id: strawberry.ID
    station_id: strawberry.ID
    district: str
    company: str
    title: str
    places: int = strawberry.field(description="名额")
    open: bool = strawberry.field(description="开放中（未关闭）")
    applications: int = strawberry.field(description="收到的申请（累计）")
    pending: int = strawberry.field(description="待处理的申请")
    accepted: int = strawberry.field(description="已录用（不超过名额）")
    offered_at: datetime


def to_internship(r: Any) -> Internship:
    return Internship(id=r["internship_id"], station_id=r["station_id"], district=r["district"], company=r["company"],
                      title=r["title"], places=r["places"], open=r["open"], applications=r["applications"],
                      pending=r["pending"], accepted=r["accepted"], offered_at=r["offered_at"])


@strawberry.type(description="一份实习申请及其结果（本人的，或工作人员查看某岗位收到的）")
class InternshipApplication:
    id: strawberry.ID
    internship_id: strawberry.ID
    station_id: strawberry.ID
    district: str
    company: str
    title: str
    note: str | None = strawberry.field(description="本人的申请说明")
    status: ApplicationState  # type: ignore[valid-type]
    reason: str | None = strawberry.field(description="未录用的原因")
    applied_at: datetime
    decided_at: datetime | None = strawberry.field(description="录用、未录用、撤回或岗位关闭的时间")
    youth_id: strawberry.ID | None = strawberry.field(
        default=None, description="申请人的青年编号（工作人员查看岗位的申请时给出；本人查看时为空）")

    @classmethod
    def of(cls, a: dict, **more: Any) -> Any:
        return cls(**more, id=a["id"], internship_id=a["internshipId"], station_id=a["stationId"],
                   district=a["district"], company=a["company"], title=a["title"], note=a["note"],
                   status=ApplicationState(a["status"]), reason=a["reason"],
                   applied_at=datetime.fromisoformat(a["appliedAt"]),
                   decided_at=datetime.fromisoformat(d) if (d := a["decidedAt"]) else None)


@strawberry.type(description="孵化项目简介（申请人本人所写）")
class ProjectSummary:
    project_id: strawberry.ID
    summary: str | None = strawberry.field(description="申请人已删除登记信息时为空")
    erased: bool
