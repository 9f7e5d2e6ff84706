"""What every part of the schema shares: the request context, read-your-writes, command results."""
from __future__ import annotations

from functools import cached_property

import strawberry
from strawberry.fastapi import BaseContext

from chassis.auth import Principal
from chassis.errors import FieldError, Unavailable, ValidationFailed
from chassis.projection import parse_position
from chassis.service import Runtime

DASHBOARD_ROLES = ("admin", "registry_operator", "branch_secretary", "station_staff", "department_viewer")


class Context(BaseContext):
    def __init__(self, runtime: Runtime):
        super().__init__()
        self.runtime = runtime

    @cached_property
    def principal(self) -> Principal:
        return self.runtime.verifier.verify(self.request.headers.get("authorization"))

    def service(self, name: str):
        return self.runtime.extras[name]

    async def await_position(self, position: str | None) -> None:
        """Read-your-writes: wait (bounded) until every projection that reads the position's stream
        has applied it."""
        if position is None:
            return
        try:
            stream, _ = parse_position(position)
        except ValueError:
            raise ValidationFailed([FieldError("minPosition", "格式应为 <stream>@<version>，即变更返回的 position")]) from None
        runners = [r for r in self.runtime.projections.values()
                   if any(stream.startswith(p) for p in r.projection.stream_prefixes)]
        for runner in runners:
            if not await runner.wait_for(position, self.runtime.settings.consistency_wait_seconds):
                raise Unavailable("数据仍在同步中，尚未包含您刚才的操作，请稍后重试。", retry_after=1)


@strawberry.type(description="命令已受理")
class CommandResult:
    id: strawberry.ID
    version: int
    position: str = strawberry.field(description="读己之写：把它作为 minPosition 传给查询")


@strawberry.type(description="联席会议看板；区级令牌只看到本区")
class DashboardBase:
    district: str | None = strawberry.field(description="看板范围：null 为全市")
