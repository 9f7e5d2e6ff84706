"""What `me` shows of a young person's own branch membership, from the branches service (which asks the
registry whose record the token's account is linked to, so no argument names a person)."""
from __future__ import annotations

from datetime import date

import strawberry

from ..common import BRANCHES, forward


@strawberry.type(description="本人待处理的组织关系转接")
class MyTransfer:
    to_branch_id: strawberry.ID
    to_branch_name: str | None
    expires_on: date = strawberry.field(description="接收团支部逾期未处理即失效（3 个月）")


@strawberry.type(description="本人所在或申请加入的团支部")
class MyMembership:
    status: str = strawberry.field(description="APPLIED：申请待审批；MEMBER：团员")
    branch_id: strawberry.ID
    branch_name: str | None
    district: str
    transfer: MyTransfer | None


async def my_memberships(info: strawberry.Info) -> list[MyMembership]:
    answer = await forward(info, BRANCHES, "/me/membership", method="GET")
    return [MyMembership(status=m["status"], branch_id=m["branchId"], branch_name=m["branchName"],
                         district=m["district"],
                         transfer=MyTransfer(to_branch_id=t["toBranchId"], to_branch_name=t["toBranchName"],
                                             expires_on=date.fromisoformat(t["expiresOn"]))
                         if (t := m["transfer"]) else None)
            for m in answer["memberships"]]
