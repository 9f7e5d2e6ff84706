"""Erasure across recognition (issue 19's done-when) on the real stack: one person who is at the same time a
volunteer with recorded hours, the applicant of a supported 筑梦空间 project, a branch member with an open 推优
recommendation, a selected role model (榜样) with a talk and the entrant of a selected media-campaign entry is
erased through the registry; afterwards no read model or service table links anything to their id, the open
recommendation has ended, the role model's public profile is gone from the public list, the staff's list and `me`
(its key shredded), their campaign entry reveals nothing (its key shredded) and leaves the public showcase, and
every dashboard figure is what it was before."""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from chassis.clock import BEIJING
from tests.integration import test_campaigns as campaigns
from tests.integration import test_dream_space as dream
from tests.integration import test_recommendations as recommend
from tests.integration import test_role_models as role
from tests.integration import test_volunteering as volunteer
from tests.integration.stations_support import caught_up, create_station, ok
from tests.integration.test_youth_branches import join_new_branch, register_me
from tests.registry_support import data, gql, refusal
from tests.support import CHAOYANG, eventually, service_db

FIGURES = "{ dashboard { volunteering { shifts volunteerHours served } " \
          "dreamSpace { appliedProjects activeProjects completedProjects stoppedProjects } " \
          "recommendations { thisYear adoptedThisYear byKind { kind recommended adopted } } " \
          "roleModels { nominated selected withdrawn talks audience byVenue { venueKind talks audience } } " \
          "mediaCampaigns { openCampaigns entriesThisYear selectedThisYear } } }"
MINE = "{ me { volunteering { hours shifts } projects { id status } recommendations { id status } " \
       "campaignEntries { id status } } }"
# The chassis' own bookkeeping (event store, outbox, stream versions, checkpoints, dead letters, migrations) is not a
# read model or a service table: events keep the pseudonymous id by design (docs/RECOGNITION.md).
BOOKKEEPING = {"events", "outbox", "projection_streams", "projection_checkpoints", "dead_letters", "schema_migrations",
               "person_keys"}
# What the branches service keeps of an erased person on purpose (docs/BRANCHES.md): the bare id and the fact of
# erasure, so the id is never taken for someone else, and the membership stream's state with nothing in it.
TOMBSTONES = {"branches.youth_facts": {"status": "ERASED", "district": None, "subtype": None, "league_age": None,
                                       "league_age_ended": False},
              "branches.roster": {"status": "NONE", "branch_id": None, "transfer_to": None, "transfer_expires_on": None}}


async def linked(settings, youth_id: str) -> list[str]:
    """Every table of the gateway, stations and branches databases that still has a row mentioning the id anywhere."""
    found_in = []
    for service in ("gateway", "stations", "branches"):
        async with service_db(settings, service) as conn:
            tables = await conn.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                                      "AND table_type = 'BASE TABLE'")
            for (table,) in tables:
                if table in BOOKKEEPING:
                    continue
                if await conn.fetchval(f'SELECT count(*) FROM "{table}" t WHERE strpos(t::text, $1) > 0', youth_id):
                    found_in.append(f"{service}.{table}")
    return found_in


async def test_a_volunteer_project_member_recommended_is_erased_everywhere_and_every_figure_stays(
        gateway, stations, settings, token):
    admin, secretary = token("admin", district=CHAOYANG), token("branch_secretary", CHAOYANG)
    staff = token("station_staff", district=CHAOYANG)
    rider = token("youth", subject="wx-recognised")
    youth_id = await register_me(gateway, rider)
    branch = await join_new_branch(gateway, admin, rider, "朝阳表彰擦除测试团支部", CHAOYANG)
    known = stations.app.state.runtime.projections["stations.youth"]
    assert await known.wait_for(f"youth-{youth_id}@1", 30)

    # a volunteer with recorded hours
    station = (await create_station(gateway, staff, "表彰测试驿站", 39.94, 116.47))["id"]
    starts = datetime.now(BEIJING).replace(microsecond=0) + timedelta(days=1)
    shift_input = {"district": CHAOYANG, "startsAt": starts.isoformat(),
                   "endsAt": (starts + timedelta(hours=4)).isoformat(), "places": 5, "stationId": station}
    shift = (await ok(gateway, volunteer.PUBLISH, {"i": shift_input}, staff))["publishVolunteerShift"]["id"]
    await ok(gateway, volunteer.SIGN_UP, {"s": shift}, rider)
    hours = (await ok(gateway, volunteer.RECORD, {"s": shift, "y": youth_id, "h": 3.5}, staff))["recordVolunteerHours"]
    number = (await ok(gateway, volunteer.CERTIFICATE, {"y": youth_id}, staff))["volunteerCertificate"]["number"]

    # the applicant of a supported 筑梦空间 project
    space = (await create_station(gateway, staff, "表彰测试筑梦空间", 39.95, 116.48, kind="DREAM_SPACE"))["id"]
    project = {"stationId": space, "title": "骑手影像计划", "field": "INDIE_MUSIC", "summary": "拍下骑手的一天。"}
    pid = (await ok(gateway, dream.APPLY, {"i": project}, rider))["applyForProject"]["id"]
    supported = (await ok(gateway, dream.SUPPORT, {"p": pid}, staff))["supportProject"]

    # a branch member with an open 推优 recommendation
    asked = {"y": youth_id, "b": branch, "k": "PARTY", "r": "连续两年服务骑手，表现突出"}
    made = (await ok(gateway, recommend.RECOMMEND, asked, secretary))["recommendMember"]

    # a selected role model with a talk, on this year's public list
    year = datetime.now(BEIJING).year
    nomination = {"youthId": youth_id, "district": CHAOYANG, "story": role.STORY, "photoRef": "photos/erased.jpg"}
    nid = (await ok(gateway, role.NOMINATE, {"i": nomination}, secretary))["nominateRoleModel"]["id"]
    await ok(gateway, role.CONSENT, {"n": nid, "g": True}, rider)
    await ok(gateway, role.SELECT, {"n": nid, "y": year}, admin)
    talk = {"talkId": str(uuid.uuid4()), "venueKind": "STATION", "place": "表彰测试驿站",
            "givenOn": datetime.now(BEIJING).date().isoformat(), "audience": 40}
    spoke = (await ok(gateway, role.TALK, {"n": nid, "i": talk}, staff))["recordRoleModelTalk"]
    assert nid in [r["id"] for r in (await ok(gateway, role.PUBLIC, {"y": year}))["roleModels"]]

    # the entrant of a media campaign, their entry selected for the showcase
    cid = (await campaigns.launch(gateway, admin))["id"]
    entry = (await campaigns.enter(gateway, rider, cid, "骑手眼中的胡同", "https://v.example.cn/hutong"))["id"]
    judged = (await ok(gateway, campaigns.JUDGE, {"e": entry, "s": True}, admin))["judgeCampaignEntry"]
    showcase = {"campaignId": cid, "title": "小岗位 大英雄",
                "entries": [{"title": "骑手眼中的胡同", "link": "https://v.example.cn/hutong"}]}
    assert (await ok(gateway, campaigns.SHOWCASE, {"c": cid}))["campaignShowcase"] == showcase

    await caught_up(gateway, admin, [hours["position"], supported["position"], made["position"], spoke["position"],
                                     judged["position"]])
    assert (await ok(gateway, MINE, token=rider))["me"] == {
        "volunteering": {"hours": 3.5, "shifts": 1}, "projects": [{"id": pid, "status": "SUPPORTED"}],
        "recommendations": [{"id": made["id"], "status": "RECOMMENDED"}],
        "campaignEntries": [{"id": entry, "status": "SELECTED"}]}
    assert {"gateway.youth", "stations.youth_volunteer_hours", "stations.volunteer_certificates",
            "stations.youth_projects", "branches.recommendations", "stations.role_models",
            "stations.campaign_entries"} <= set(await linked(settings, youth_id))
    before = (await ok(gateway, FIGURES, token=admin))["dashboard"]

    data(await gql(gateway, "mutation { eraseMe { id } }", token=rider))

    async def ended() -> bool:
        rows = [r for r in (await ok(gateway, recommend.LIST, token=admin))["recommendations"] if r["id"] == made["id"]]
        return [(r["status"], r["youthId"]) for r in rows] == [("ENDED", None)]
    await eventually(ended)

    left = ["not looked yet"]

    async def forgotten() -> bool:  # only the branches service's tombstones may keep the bare id, linked to nothing
        left[:] = [t for t in await linked(settings, youth_id) if t not in TOMBSTONES]
        async with service_db(settings, "branches") as conn:
            fact = await conn.fetchrow("SELECT * FROM youth_facts WHERE youth_id = $1", youth_id)
            roster = await conn.fetchrow("SELECT * FROM roster WHERE youth_id = $1", youth_id)
        left.extend(f"{t}: {dict(row)}" for t, row, tomb in (("youth_facts", fact, TOMBSTONES["branches.youth_facts"]),
                                                            ("roster", roster, TOMBSTONES["branches.roster"]))
                    if row is not None and dict(row) != tomb | {"youth_id": youth_id})
        return not left
    try:
        await eventually(forgotten)
    except AssertionError:
        raise AssertionError(f"still linked to the erased person: {left}") from None
    stream = made["position"].rpartition("@")[0]
    async with service_db(settings, "branches") as conn:  # the gateway's figures have seen the recommendation end
        ending = await conn.fetchval("SELECT max(version) FROM events WHERE stream_id = $1", stream)
    assert ending > int(made["position"].rpartition("@")[2])
    await caught_up(gateway, admin, [f"{stream}@{ending}"])
    async with service_db(settings, "stations") as conn:  # the certificate's number stays, unlinked
        assert await conn.fetchval("SELECT count(*) FROM volunteer_certificates WHERE number = $1", number) == 1

    # the person's own reads and the certificate have nothing of them; staff find no certificate
    for query in (MINE, volunteer.MY_CERTIFICATE, "mutation { exportMyData }"):
        answer = await gql(gateway, query, token=rider)
        assert answer.get("errors") and youth_id not in str(answer.get("data")), query
    assert refusal(await gql(gateway, volunteer.CERTIFICATE, {"y": youth_id}, staff))[0] == "NOT_FOUND"
    # the entry stays, selected, and reveals nothing: its key is shredded and it leaves the showcase
    assert (await ok(gateway, campaigns.ENTRIES, {"c": cid}, admin))["campaignEntries"] == [
        {"id": entry, "status": "SELECTED", "note": "", "title": None, "link": None}]
    assert await stations.app.state.runtime.deps.vault.data_key(f"campaign-entry-{entry}") is None
    assert (await ok(gateway, campaigns.SHOWCASE, {"c": cid}))["campaignShowcase"] == showcase | {"entries": []}
    assert (await ok(gateway, FIGURES, token=admin))["dashboard"] == before  # every figure stays

    # the role model's profile: off the public list, unreadable for staff, its key shredded; the nomination stays
    assert nid not in [r["id"] for r in (await ok(gateway, role.PUBLIC, {"y": year}))["roleModels"]]
    kept = [r for r in (await ok(gateway, role.STAFF_LIST, token=secretary))["roleModelNominations"] if r["id"] == nid]
    assert kept == [{"id": nid, "youthId": None, "status": "SELECTED", "consent": "GIVEN", "year": year, "profile": None}]
    assert await stations.app.state.runtime.deps.vault.data_key(f"role-model-{nid}") is None
    async with service_db(settings, "stations") as conn:
        assert await conn.fetchval("SELECT sealed FROM role_models WHERE nomination_id = $1", nid) is None
    later = talk | {"talkId": str(uuid.uuid4())}  # no more talks credited to an erased person
    assert refusal(await gql(gateway, role.TALK, {"n": nid, "i": later}, staff))[1] == "erased"
