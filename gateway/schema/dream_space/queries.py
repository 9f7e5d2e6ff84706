"""筑梦空间's staff lists (keyset-paginated, ..pagination): projects and internships from the gateway's read
models (no applicant in them), an internship's applications from the stations service (which holds who applied
and checks the internship's district)."""
from __future__ import annotations

import strawberry

from ...tables import dream_space as tables
from ..common import STATIONS, forward, without_none
from ..pagination import Connection, paginate, scoped_page, service_rows
from ..stations.types import STAFF_READ
from .types import (
    DreamSpaceProject,
    Internship,
    InternshipApplication,
    ProjectState,
    ProjectSummary,
    to_internship,
    to_project,
)


@strawberry.type
class Query:
    @strawberry.field(description="筑梦空间孵化项目（新到旧分页）；可按状态筛选；区级令牌只看本区")
    async def dream_space_projects(self, info: strawberry.Info, district: str | None = None,
                                   status: ProjectState | None = None,  # type: ignore[valid-type]
                                   first: int | None = None, after: str | None = None) -> Connection[DreamSpaceProject]:
        return await scoped_page(info, STAFF_READ, district, first, after, tables.list_projects,
                                 {"status": status.value if status else None}, node=to_project,
                                 order=("applied_at", "project_id"))

    @strawberry.field(description="合作企业实习岗位（新到旧分页），含名额、申请与录用人数；open 筛选开放中或已关闭")
    async def internships(self, info: strawberry.Info, district: str | None = None, open: bool | None = None,
                          first: int | None = None, after: str | None = None) -> Connection[Internship]:
        return await scoped_page(info, STAFF_READ, district, first, after, tables.list_internships, {"open": open},
                                 node=to_internship, order=("offered_at", "internship_id"))

    @strawberry.field(description="某实习岗位收到的申请（先到先列，分页）：本区站点工作人员与管理员")
    async def internship_applications(self, info: strawberry.Info, internship_id: strawberry.ID,
                                      first: int | None = None,
                                      after: str | None = None) -> Connection[InternshipApplication]:
        info.context.principal.require("admin", "station_staff")

        async def fetch(after_key: list | None, limit: int) -> list:
            params = without_none({"first": limit, "afterAt": after_key[0] if after_key else None,
                                   "afterId": after_key[1] if after_key else None})
            return service_rows(await forward(info, STATIONS, f"/internships/{internship_id}/applications",
                                              method="GET", params=params))
        return await paginate(first, after, fetch, node=lambda a: InternshipApplication.of(a, youth_id=a["youthId"]),
                              key=lambda a: (a["appliedAt"], a["id"]), shape=2)

    @strawberry.field(description="读取孵化项目的简介（申请人本人所写）：仅本区站点工作人员与管理员，须说明用途，每次读取留痕")
    async def project_summary(self, info: strawberry.Info, project_id: strawberry.ID, purpose: str) -> ProjectSummary:
        info.context.principal.require("admin", "station_staff")
        answer = await forward(info, STATIONS, f"/projects/{project_id}/summary", method="GET",
                               params={"purpose": purpose})
        return ProjectSummary(project_id=answer["projectId"], summary=answer["summary"], erased=answer["erased"])
