"""Media campaigns (「小岗位 大英雄」, issue 19) through GraphQL on the real stack: the district's league committee
launches a campaign; a young person enters twice with their own token (bad links and a missing consent refused,
naming the field), lists their entries in `me` and their export and withdraws one; the admin reads the entries (titles and links,
no entrant) and selects one; the public showcase (no token) shows its title and link only; the dashboard's figures
move; another district is refused everywhere; the closing job ends the window, after which nothing is entered.
The titles and links never reach an event or a read model."""
from __future__ import annotations

from datetime import datetime, timedelta

from chassis.clock import BEIJING
from services.stations.jobs import close_ended_campaigns
from tests.integration.stations_support import caught_up, ok
from tests.integration.test_youth_branches import register_me
from tests.registry_support import fields_named, gql, refusal
from tests.support import CHAOYANG, HAIDIAN, service_db

LAUNCH = "mutation($i: LaunchCampaignInput!) { launchCampaign(input: $i) { id position } }"
CLOSE = "mutation($c: ID!) { closeCampaign(campaignId: $c) { id position } }"
ENTER = "mutation($i: EnterCampaignInput!) { enterCampaign(input: $i) { id position } }"
WITHDRAW = "mutation($e: ID!) { withdrawCampaignEntry(entryId: $e) { id position } }"
JUDGE = "mutation($e: ID!, $s: Boolean!, $n: String) { judgeCampaignEntry(entryId: $e, selected: $s, note: $n) " \
        "{ id position } }"
ENTRIES = "query($c: ID!) { campaignEntries(campaignId: $c) { id status note title link } }"
SHOWCASE = "query($c: ID!) { campaignShowcase(campaignId: $c) { campaignId title entries { title link } } }"
LIST = "query($d: String) { campaigns(district: $d) { id title district status audiences " \
       "entries { submitted withdrawn selected notSelected } } }"
MINE = "{ me { campaignEntries { id campaignId campaignTitle status title link note } } }"
FIGURES = "{ dashboard { mediaCampaigns { openCampaigns entriesThisYear selectedThisYear } } }"


def campaign_input(**overrides) -> dict:
    today = datetime.now(BEIJING).date()
    return {"title": "小岗位 大英雄", "theme": "讲述你身边平凡岗位上的不平凡", "opensOn": today.isoformat(),
            "closesOn": (today + timedelta(days=10)).isoformat(), "audiences": ["NEW_BUSINESS"]} | overrides


async def launch(gateway, admin: str, **overrides) -> dict:
    return (await ok(gateway, LAUNCH, {"i": campaign_input(**overrides)}, admin))["launchCampaign"]


async def enter(gateway, youth: str, campaign_id: str, title: str, link: str) -> dict:
    entry = {"campaignId": campaign_id, "title": title, "link": link, "consentToPublish": True}
    return (await ok(gateway, ENTER, {"i": entry}, youth))["enterCampaign"]


async def test_launch_enter_withdraw_select_showcase_and_figures(gateway, stations, settings, token):
    admin, other_admin = token("admin", district=CHAOYANG), token("admin", district=HAIDIAN)
    staff, other_staff = token("station_staff", district=CHAOYANG), token("station_staff", district=HAIDIAN)
    rider = token("youth", subject="wx-campaign-rider")
    await register_me(gateway, rider)
    before = (await ok(gateway, FIGURES, token=admin))["dashboard"]["mediaCampaigns"]

    today = datetime.now(BEIJING).date()
    backwards = await gql(gateway, LAUNCH, {"i": campaign_input(closesOn=(today - timedelta(days=1)).isoformat())},
                          admin)
    assert refusal(backwards)[0] == "VALIDATION" and fields_named(backwards) == {"closesOn"}
    assert refusal(await gql(gateway, LAUNCH, {"i": campaign_input(audiences=["DANCERS"])}, admin))[0] == "VALIDATION"
    assert refusal(await gql(gateway, LAUNCH, {"i": campaign_input()}, staff))[:2] == ("FORBIDDEN", "role")
    elsewhere = await gql(gateway, LAUNCH, {"i": campaign_input(district=CHAOYANG)}, other_admin)
    assert refusal(elsewhere)[:2] == ("FORBIDDEN", "district")
    launched = await launch(gateway, admin)
    cid = launched["id"]

    entry = {"campaignId": cid, "title": "凌晨四点的早餐铺", "link": "https://v.example.cn/breakfast",
             "consentToPublish": True}
    plain = await gql(gateway, ENTER, {"i": entry | {"link": "http://v.example.cn/breakfast"}}, rider)
    assert refusal(plain)[0] == "VALIDATION" and fields_named(plain) == {"link"}
    unconsented = await gql(gateway, ENTER, {"i": entry | {"consentToPublish": False}}, rider)
    assert refusal(unconsented)[0] == "VALIDATION" and fields_named(unconsented) == {"consentToPublish"}
    assert refusal(await gql(gateway, ENTER, {"i": entry}, staff))[0] == "FORBIDDEN"  # nobody enters for another
    first = await enter(gateway, rider, cid, entry["title"], entry["link"])
    second = await enter(gateway, rider, cid, "骑手的雨天", "https://v.example.cn/rain")
    mine = (await ok(gateway, MINE, token=rider))["me"]["campaignEntries"]
    assert {(e["id"], e["title"], e["link"], e["status"], e["campaignTitle"]) for e in mine} == {
        (first["id"], "凌晨四点的早餐铺", "https://v.example.cn/breakfast", "SUBMITTED", "小岗位 大英雄"),
        (second["id"], "骑手的雨天", "https://v.example.cn/rain", "SUBMITTED", "小岗位 大英雄")}
    exported = (await ok(gateway, "mutation { exportMyData }", token=rider))["exportMyData"]
    assert {(e["id"], e["link"]) for e in exported["campaignEntries"]} == {
        (first["id"], "https://v.example.cn/breakfast"), (second["id"], "https://v.example.cn/rain")}
    withdrawn = (await ok(gateway, WITHDRAW, {"e": second["id"]}, rider))["withdrawCampaignEntry"]
    assert refusal(await gql(gateway, WITHDRAW, {"e": second["id"]}, rider))[1] == "withdrawn"

    # another district's admin sees and touches nothing of it
    assert refusal(await gql(gateway, ENTRIES, {"c": cid}, other_admin))[:2] == ("FORBIDDEN", "district")
    assert refusal(await gql(gateway, JUDGE, {"e": first["id"], "s": True}, other_admin))[:2] == ("FORBIDDEN", "district")
    assert refusal(await gql(gateway, CLOSE, {"c": cid}, other_admin))[:2] == ("FORBIDDEN", "district")
    assert cid not in {c["id"] for c in (await ok(gateway, LIST, token=other_staff))["campaigns"]}

    seen = (await ok(gateway, ENTRIES, {"c": cid}, admin))["campaignEntries"]
    assert [(e["id"], e["status"], e["title"]) for e in seen] == [
        (first["id"], "SUBMITTED", "凌晨四点的早餐铺"), (second["id"], "WITHDRAWN", "骑手的雨天")]
    long_note = await gql(gateway, JUDGE, {"e": first["id"], "s": True, "n": "长" * 201}, admin)
    assert refusal(long_note)[0] == "VALIDATION" and fields_named(long_note) == {"note"}
    judged = (await ok(gateway, JUDGE, {"e": first["id"], "s": True, "n": "真实动人"}, admin))["judgeCampaignEntry"]
    assert refusal(await gql(gateway, WITHDRAW, {"e": first["id"]}, rider))[1] == "already_judged"
    assert refusal(await gql(gateway, JUDGE, {"e": second["id"], "s": True}, admin))[1] == "withdrawn"

    assert (await ok(gateway, SHOWCASE, {"c": cid}))["campaignShowcase"] == {  # no token: the public showcase
        "campaignId": cid, "title": "小岗位 大英雄",
        "entries": [{"title": "凌晨四点的早餐铺", "link": "https://v.example.cn/breakfast"}]}
    listed = [c for c in (await ok(gateway, LIST, token=staff))["campaigns"] if c["id"] == cid]
    assert listed == [{"id": cid, "title": "小岗位 大英雄", "district": CHAOYANG, "status": "OPEN",
                       "audiences": ["NEW_BUSINESS"],
                       "entries": {"submitted": 0, "withdrawn": 1, "selected": 1, "notSelected": 0}}]

    await caught_up(gateway, admin, [launched["position"], withdrawn["position"], judged["position"]])
    assert (await ok(gateway, FIGURES, token=admin))["dashboard"]["mediaCampaigns"] == {
        "openCampaigns": before["openCampaigns"] + 1, "entriesThisYear": before["entriesThisYear"] + 1,
        "selectedThisYear": before["selectedThisYear"] + 1}
    async with service_db(settings, "stations") as conn:  # the title and link are on no event
        assert not await conn.fetchval("SELECT count(*) FROM events WHERE data::text LIKE '%breakfast%' "
                                       "OR data::text LIKE '%早餐铺%'")
    async with service_db(settings, "gateway") as conn:
        tables = await conn.fetch("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
        for (table,) in tables:
            assert not await conn.fetchval(f'SELECT count(*) FROM "{table}" t WHERE strpos(t::text, $1) > 0',
                                           "breakfast"), table

    # the window ends: the job closes it once; nothing can be entered afterwards
    rt = stations.app.state.runtime
    assert await close_ended_campaigns(rt, datetime.now(BEIJING)) == 0
    assert await close_ended_campaigns(rt, datetime.now(BEIJING) + timedelta(days=11)) >= 1
    assert await close_ended_campaigns(rt, datetime.now(BEIJING) + timedelta(days=12)) == 0
    late = await gql(gateway, ENTER, {"i": entry}, rider)
    assert refusal(late)[1] == "closed"
    assert refusal(await gql(gateway, CLOSE, {"c": cid}, admin))[1] == "already_closed"
    async with service_db(settings, "stations") as conn:
        closing = await conn.fetchval("SELECT max(version) FROM events WHERE stream_id = $1", f"campaign-{cid}")
    await caught_up(gateway, admin, [f"campaign-{cid}@{closing}"])
    assert (await ok(gateway, FIGURES, token=admin))["dashboard"]["mediaCampaigns"]["openCampaigns"] == \
        before["openCampaigns"]


async def test_a_city_campaign_is_closed_early_by_the_city_only(gateway, stations, token):
    city, district_admin = token("admin"), token("admin", district=CHAOYANG)
    launched = await launch(gateway, city, title="青春建功新时代")
    listed = {c["id"]: c for c in (await ok(gateway, LIST, token=district_admin))["campaigns"]}
    assert listed[launched["id"]]["district"] is None  # a district's staff see the city's campaigns too
    assert refusal(await gql(gateway, CLOSE, {"c": launched["id"]}, district_admin))[:2] == ("FORBIDDEN", "district")
    await ok(gateway, CLOSE, {"c": launched["id"]}, city)
    listed = {c["id"]: c for c in (await ok(gateway, LIST, token=city))["campaigns"]}
    assert listed[launched["id"]]["status"] == "CLOSED"
    by_status = "query($s: CampaignStatus) { campaigns(status: $s) { id status } }"
    assert launched["id"] in {c["id"] for c in (await ok(gateway, by_status, {"s": "CLOSED"}, city))["campaigns"]}
    assert launched["id"] not in {c["id"] for c in (await ok(gateway, by_status, {"s": "OPEN"}, city))["campaigns"]}
    assert refusal(await gql(gateway, SHOWCASE, {"c": "00000000-0000-0000-0000-000000000001"}))[0] == "NOT_FOUND"
