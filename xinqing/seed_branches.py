"""Demo data for league organisation, written through the branches service's HTTP API: a mobile
branch of riders in every district, courier-company and park branches in the busy districts, the
organisations contacted, riders joining by invitation code, couriers by application, a few meetings,
progress on some measures and a district joint meeting with its action items. Runs after the registry
demo data (it joins the people registered)."""
from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import timedelta

import asyncpg

from chassis.clock import Clock
from chassis.reference import DISTRICTS
from chassis.settings import Settings

from .seed_access import admin_client, read_when_ready

BUSY = ("110105", "110108", "110106", "110112", "110114", "110115")
PROGRESS = {"M01": 100, "M03": 60, "M09": 45, "M10": 30, "M13": 70, "M14": 50, "M15": 25}


async def _wait_for_registry_view(settings: Settings, expected: int) -> list:
    """The branches service learns of people from registry events; wait until it has seen them."""
    async def read(conn: asyncpg.Connection) -> tuple[list, int]:
        rows = await conn.fetch("SELECT youth_id, district, subtype FROM youth_facts WHERE status = 'ACTIVE' "
                                "AND league_age AND NOT league_age_ended ORDER BY youth_id")
        return rows, await conn.fetchval("SELECT count(*) FROM youth_facts")

    rows, _ = await read_when_ready(settings, "branches", read, lambda found: found[1] >= expected)
    return rows


async def _seed(settings: Settings, say: Callable[[str], None], registered: int) -> None:
    async with admin_client(settings, "branches") as client:
        async def post(path: str, body: dict | None = None) -> dict | None:
            r = await client.post(path, json=body or {})
            if r.status_code in (200, 201):
                return r.json()
            if r.status_code in (409, 422):  # a person outside league age, say: demo data skips them
                return None
            raise RuntimeError(f"seeding branches failed: HTTP {r.status_code} {r.text[:200]}")

        mobile, enterprise = {}, {}
        for code, name in DISTRICTS.items():
            mobile[code] = (await post("/branches", {"name": f"{name}外卖骑手流动团支部", "kind": "MOBILE",
                                                     "district": code}))["id"]
            if code in BUSY:
                courier = (await post("/organisations", {"name": f"某快递企业{name}分拨中心",
                                                         "kind": "COURIER_COMPANY", "district": code}))["id"]
                enterprise[code] = (await post("/branches", {"name": f"{name}快递企业团支部", "kind": "ENTERPRISE",
                                                             "district": code, "organisationId": courier}))["id"]
                park = (await post("/organisations", {"name": f"{name}文化创意产业园", "kind": "PARK",
                                                      "district": code}))["id"]
                await post(f"/organisations/{park}/relationship")
                await post("/organisations", {"name": f"{name}某互联网公司", "kind": "INTERNET_COMPANY",
                                              "district": code})
        codes = {d: (await post(f"/branches/{b}/invitations", {"validHours": 168, "maxUses": 500}))["code"]
                 for d, b in mobile.items()}

        people = await _wait_for_registry_view(settings, registered)
        joined = 0
        members: dict[str, list[str]] = {}
        for p in people:
            if p["subtype"] == "DELIVERY_RIDER" and p["youth_id"][0] in "0123456789ab":  # about 3 in 4 riders
                ok = await post(f"/memberships/{p['youth_id']}/join", {"code": codes[p["district"]]})
                branch = mobile[p["district"]]
            elif p["subtype"] == "COURIER" and p["district"] in enterprise:
                branch = enterprise[p["district"]]
                ok = await post(f"/memberships/{p['youth_id']}/apply", {"branchId": branch}) and \
                    await post(f"/memberships/{p['youth_id']}/approve", {"branchId": branch})
            else:
                continue
            if ok:
                joined += 1
                members.setdefault(branch, []).append(p["youth_id"])

        today = Clock().today()
        for branch, ids in members.items():
            for kind in ("GENERAL_MEETING", "LEAGUE_LECTURE", "COMMITTEE_MEETING"):
                await post("/meetings", {"branchId": branch, "kind": kind, "heldOn": today.isoformat(),
                                         "topic": "学习团章，交流从业经验", "attendees": ids[:10]})
        for measure, percent in PROGRESS.items():
            await post(f"/measures/{measure}/progress", {"percent": percent, "note": "演示数据"})
        # a district joint meeting whose decision the departments and the district are to carry out
        due = (today + timedelta(days=30)).isoformat()
        await post("/joint-meetings", {
            "level": "DISTRICT", "district": "110105", "heldOn": today.isoformat(), "attending": ["TSW", "RSJ", "ZGH"],
            "topics": ["外卖骑手社会保障（演示数据）"], "decisions": [{"text": "在暖心驿站设社保咨询点", "items": [
                {"title": "驿站社保政策咨询", "assigneeKind": "DEPARTMENT", "assignee": "RSJ", "dueOn": due},
                {"title": "摸清全区外卖站点", "assigneeKind": "DISTRICT", "assignee": "110105", "dueOn": due}]}]})
    say(f"demo data: {len(mobile) + len(enterprise)} branches, {joined} members")


def seed_branches(settings: Settings, say: Callable[[str], None], registered: int) -> None:
    asyncio.run(_seed(settings, say, registered))
