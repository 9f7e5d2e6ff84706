"""Media campaigns (「小岗位 大英雄」, issue 19): a campaign's window and closing, entries with a link and a consent to
publish, withdrawal before judging, selection — Given / When / Then (no IO)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from chassis.errors import Forbidden
from chassis.lifecycle import MarkOverdue
from chassis.reference import YOUTH_TYPES
from contracts.stations import CampaignAudience, CampaignStatus, EntryStatus
from services.stations.domain import campaign as cp
from services.stations.domain import campaign_entry as en
from tests.unit.refusals import refused_fields, refused_rule

TODAY = date(2026, 12, 3)
LAUNCH = cp.LaunchCampaign("c1", "110105", " 小岗位 大英雄 ", "讲述你身边的平凡岗位", date(2026, 12, 3),
                           date(2026, 12, 31), ("NEW_BUSINESS", "ONLINE_CULTURE"), TODAY)
LAUNCHED = cp.CampaignLaunched(campaign_id="c1", district="110105", title="小岗位 大英雄", theme="讲述你身边的平凡岗位",
                               opens_on=date(2026, 12, 3), closes_on=date(2026, 12, 31),
                               audiences=["NEW_BUSINESS", "ONLINE_CULTURE"], launched_on=TODAY)
OPEN = cp.campaign.fold([LAUNCHED])
AT = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
SUBMIT = en.SubmitEntry("e1", "y1", OPEN, "凌晨四点的早餐铺", "https://v.example.cn/abc?x=1", True, AT, date(2026, 12, 5))
SUBMITTED = en.EntrySubmitted(entry_id="e1", campaign_id="c1", youth_id="y1", district="110105",
                              submitted_on=date(2026, 12, 5))


def test_the_audiences_are_the_youth_types():
    assert {a.value for a in CampaignAudience} == set(YOUTH_TYPES)


def test_launching_records_the_window_and_the_audiences_with_the_title_trimmed():
    assert cp.campaign.run([], LAUNCH) == [LAUNCHED]


def test_a_city_wide_campaign_has_no_district():
    assert cp.campaign.run([], replace(LAUNCH, district=None))[0].district is None


def test_a_bad_launch_names_every_field():
    bad = replace(LAUNCH, district="x", title=" ", theme="长" * (cp.THEME_MAX + 1), opens_on=date(2026, 12, 2),
                  audiences=("DANCERS",))
    assert refused_fields(cp.campaign, [], bad) == {"district", "title", "theme", "opensOn", "audiences"}


@pytest.mark.parametrize("closes_on", [date(2026, 12, 2), date(2028, 1, 1)])
def test_a_window_that_ends_before_it_opens_or_lasts_over_a_year_is_refused(closes_on):
    assert refused_fields(cp.campaign, [], replace(LAUNCH, closes_on=closes_on)) == {"closesOn"}


@pytest.mark.parametrize("audiences", [(), ("NEW_BUSINESS", "NEW_BUSINESS")])
def test_audiences_are_required_and_distinct(audiences):
    assert refused_fields(cp.campaign, [], replace(LAUNCH, audiences=audiences)) == {"audiences"}


def test_the_status_follows_the_window_and_an_early_close():
    upcoming = cp.campaign.fold([replace(LAUNCHED, opens_on=date(2026, 12, 10))])
    assert upcoming.status(TODAY) is CampaignStatus.UPCOMING
    assert OPEN.status(date(2026, 12, 31)) is CampaignStatus.OPEN
    assert OPEN.status(date(2027, 1, 1)) is CampaignStatus.CLOSED  # past its window, even before the job
    closed = cp.campaign.fold([LAUNCHED, cp.CampaignClosed(campaign_id="c1", district="110105",
                                                           closed_on=TODAY, early=True)])
    assert closed.status(TODAY) is CampaignStatus.CLOSED


def test_the_job_closes_a_campaign_once_after_its_window():
    assert cp.campaign.run([LAUNCHED], MarkOverdue(date(2026, 12, 31))) == []  # the last day is still open
    closed = cp.CampaignClosed(campaign_id="c1", district="110105", closed_on=date(2027, 1, 1), early=False)
    assert cp.campaign.run([LAUNCHED], MarkOverdue(date(2027, 1, 1))) == [closed]
    assert cp.campaign.run([LAUNCHED, closed], MarkOverdue(date(2027, 1, 2))) == []


def test_the_admin_closes_early_once():
    early = cp.CampaignClosed(campaign_id="c1", district="110105", closed_on=TODAY, early=True)
    assert cp.campaign.run([LAUNCHED], cp.CloseCampaign(TODAY)) == [early]
    assert refused_rule(cp.campaign, [LAUNCHED, early], cp.CloseCampaign(TODAY)) == "already_closed"
    assert refused_rule(cp.campaign, [], cp.CloseCampaign(TODAY)) == "not_found"


def test_an_entry_records_who_and_when_but_never_its_title_or_link():
    events = en.entry.run([], SUBMIT)
    assert events == [SUBMITTED]
    assert "凌晨" not in repr(events) and "example" not in repr(events)


@pytest.mark.parametrize(("link", "why"), [
    ("http://v.example.cn/abc", "https"), ("https://", "no host"), ("javascript:alert(1)", "scheme"),
    ("https://v.example.cn/a b", "space"), ("https://v.example.cn/" + "a" * en.LINK_MAX, "too long"), ("  ", "blank")])
def test_a_link_must_be_an_https_url_of_bounded_length(link, why):
    assert refused_fields(en.entry, [], replace(SUBMIT, link=link)) == {"link"}, why


def test_consent_to_publish_is_required_and_named_with_the_title():
    assert refused_fields(en.entry, [], replace(SUBMIT, consent_to_publish=False, title="")) == {
        "consentToPublish", "title"}


def test_an_entry_is_refused_outside_the_window():
    upcoming = cp.campaign.fold([replace(LAUNCHED, opens_on=date(2026, 12, 10))])
    assert refused_rule(en.entry, [], replace(SUBMIT, campaign=upcoming)) == "not_open_yet"
    assert refused_rule(en.entry, [], replace(SUBMIT, today=date(2027, 1, 1))) == "closed"
    closed = cp.campaign.fold([LAUNCHED, cp.CampaignClosed(campaign_id="c1", district="110105", closed_on=TODAY,
                                                           early=True)])
    assert refused_rule(en.entry, [], replace(SUBMIT, campaign=closed)) == "closed"


def test_the_entrant_withdraws_before_judging_and_only_their_own():
    withdrawn = en.EntryWithdrawn(entry_id="e1", campaign_id="c1", district="110105", submitted_on=date(2026, 12, 5),
                                  withdrawn_on=date(2026, 12, 6))
    assert en.entry.run([SUBMITTED], en.WithdrawEntry("y1", date(2026, 12, 6))) == [withdrawn]
    with pytest.raises(Forbidden):
        en.entry.run([SUBMITTED], en.WithdrawEntry("y2", date(2026, 12, 6)))
    assert refused_rule(en.entry, [SUBMITTED, withdrawn], en.WithdrawEntry("y1", TODAY)) == "withdrawn"
    assert refused_rule(en.entry, [SUBMITTED, withdrawn], en.JudgeEntry(True, None, TODAY)) == "withdrawn"


def test_judging_selects_or_not_once_and_ends_withdrawal():
    judged = en.EntryJudged(entry_id="e1", campaign_id="c1", district="110105", selected=True, note="真实动人",
                            judged_on=date(2026, 12, 8))
    assert en.entry.run([SUBMITTED], en.JudgeEntry(True, " 真实动人 ", date(2026, 12, 8))) == [judged]
    assert en.entry.fold([SUBMITTED, judged]).status is EntryStatus.SELECTED
    assert refused_rule(en.entry, [SUBMITTED, judged], en.WithdrawEntry("y1", TODAY)) == "already_judged"
    assert refused_rule(en.entry, [SUBMITTED, judged], en.JudgeEntry(False, None, TODAY)) == "already_judged"
    not_selected = en.entry.run([SUBMITTED], en.JudgeEntry(False, None, TODAY))
    assert en.entry.fold([SUBMITTED, *not_selected]).status is EntryStatus.NOT_SELECTED


def test_a_judging_note_follows_the_text_rule():
    assert refused_fields(en.entry, [SUBMITTED], en.JudgeEntry(True, "长" * (en.NOTE_MAX + 1), TODAY)) == {"note"}
