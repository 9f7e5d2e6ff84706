"""筑梦空间's output types."""
from __future__ import annotations

import strawberry


@strawberry.type(description="筑梦空间孵化项目与合作企业实习岗位（按站点所在区县）")
class DreamSpaceFigures:
    applied_projects: int = strawberry.field(description="申请的项目")
    active_projects: int = strawberry.field(description="在孵项目（获得支持、尚未结项）")
    completed_projects: int = strawberry.field(description="完成结项的项目")
    stopped_projects: int = strawberry.field(description="终止的项目")
    open_internships: int = strawberry.field(description="开放中的实习岗位")
    open_internship_places: int = strawberry.field(description="开放中的实习名额")
