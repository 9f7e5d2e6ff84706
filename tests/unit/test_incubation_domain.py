"""筑梦空间 incubation projects and the event kinds the seed names (issue 19) — Given / When / Then (no IO)."""
from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import pytest

from chassis.errors import RuleViolated, ValidationFailed
from services.stations.domain import activity, internship
from services.stations.domain import incubation as inc
from tests.unit.refusals import fields_of, rule_of

AT = datetime(2026, 12, 5, 1, 0, tzinfo=UTC)
APPLY = inc.ApplyForProject(project_id="p1", youth_id="y1", station_id="s1", station_kind="DREAM_SPACE",
                            district="110105", title=" 胡同声音计划 ", field="INDIE_MUSIC", summary="录制胡同里的声音。",
                            at=AT)
APPLIED = inc.ProjectApplied(project_id="p1", youth_id="y1", station_id="s1", district="110105",
                             title="胡同声音计划", field="INDIE_MUSIC", summary="录制胡同里的声音。", at=AT)
SUPPORTED = inc.ProjectSupported(project_id="p1", district="110105", at=AT)


@pytest.mark.parametrize("kind", ["SALON", "COMPETITION", "EXHIBITION", "BIENNALE", "FORUM", "VISIT"])
def test_every_event_kind_the_seed_names_can_be_scheduled(kind):
    schedule = activity.ScheduleActivity("e1", kind, "青春志", "110105", AT, capacity=20)
    assert [e.kind for e in activity.activity.run([], schedule)] == [kind]


def test_applying_records_the_youth_id_and_the_cleaned_title():
    assert inc.project.run([], APPLY) == [APPLIED]


def test_an_application_with_blank_title_unknown_field_and_long_summary_is_refused_naming_each_field():
    bad = replace(APPLY, title="  ", field="DANCE", summary="长" * (inc.SUMMARY_MAX + 1), district="x")
    with pytest.raises(ValidationFailed) as exc:
        inc.project.run([], bad)
    assert fields_of(exc) == {"title", "field", "summary", "district"}


def test_a_project_is_applied_for_only_at_a_dream_space_and_only_once():
    with pytest.raises(RuleViolated) as elsewhere:
        inc.project.run([], replace(APPLY, station_kind="WARM_HEART"))
    assert rule_of(elsewhere) == "not_a_dream_space"
    with pytest.raises(RuleViolated) as twice:
        inc.project.run([APPLIED], APPLY)
    assert rule_of(twice) == "already_exists"


def test_support_then_milestones_then_completion():
    given: list = [APPLIED]
    given += inc.project.run(given, inc.SupportProject(AT))
    assert given[-1] == SUPPORTED
    given += inc.project.run(given, inc.NoteMilestone(" 首张 EP 录完 ", AT))
    assert given[-1] == inc.MilestoneNoted(project_id="p1", note="首张 EP 录完", at=AT)
    given += inc.project.run(given, inc.EndProject("COMPLETED", AT))
    assert given[-1] == inc.ProjectEnded(project_id="p1", district="110105", outcome="COMPLETED", at=AT)
    with pytest.raises(RuleViolated) as ended:
        inc.project.run(given, inc.NoteMilestone("再来一个", AT))
    assert rule_of(ended) == "not_running"


def test_a_decision_is_made_once_and_a_declined_project_does_not_run():
    declined = inc.project.run([APPLIED], inc.DeclineProject("与空间方向不符", AT))
    assert declined == [inc.ProjectDeclined(project_id="p1", district="110105", reason="与空间方向不符", at=AT)]
    with pytest.raises(RuleViolated) as again:
        inc.project.run([APPLIED, *declined], inc.SupportProject(AT))
    assert rule_of(again) == "already_decided"
    with pytest.raises(RuleViolated) as not_running:
        inc.project.run([APPLIED, *declined], inc.EndProject("STOPPED", AT))
    assert rule_of(not_running) == "not_running"


def test_an_unsupported_project_has_no_milestones_and_an_unknown_outcome_is_refused():
    with pytest.raises(RuleViolated) as early:
        inc.project.run([APPLIED], inc.NoteMilestone("开工", AT))
    assert rule_of(early) == "not_running"
    with pytest.raises(ValidationFailed) as outcome:
        inc.project.run([APPLIED, SUPPORTED], inc.EndProject("PAUSED", AT))
    assert fields_of(outcome) == {"outcome"}
    with pytest.raises(ValidationFailed) as blank:
        inc.project.run([APPLIED], inc.DeclineProject(" ", AT))
    assert fields_of(blank) == {"reason"}


def test_milestones_are_capped_and_a_missing_project_is_not_found():
    given = [APPLIED, SUPPORTED] + [inc.MilestoneNoted(project_id="p1", note="m", at=AT)] * inc.MILESTONES_MAX
    with pytest.raises(RuleViolated) as capped:
        inc.project.run(given, inc.NoteMilestone("one more", AT))
    assert rule_of(capped) == "too_many_milestones"
    with pytest.raises(RuleViolated) as missing:
        inc.project.run([], inc.SupportProject(AT))
    assert rule_of(missing) == "not_found"


# ---- internships offered by partner companies -----------------------------------------------------

OFFER = internship.OfferInternship("i1", "s1", "110105", " 某文创公司 ", "视觉设计实习生", places=3)


def test_an_offer_is_open_until_closed_once_and_its_places_leave_with_it():
    given = internship.internship.run([], OFFER)
    assert given == [internship.InternshipOffered(internship_id="i1", station_id="s1", district="110105",
                                                  company="某文创公司", title="视觉设计实习生", places=3)]
    given += internship.internship.run(given, internship.CloseInternship())
    assert given[-1] == internship.InternshipClosed(internship_id="i1", district="110105", places=3)
    with pytest.raises(RuleViolated) as twice:
        internship.internship.run(given, internship.CloseInternship())
    assert rule_of(twice) == "already_closed"


def test_an_offer_without_company_or_places_is_refused_naming_each_field():
    with pytest.raises(ValidationFailed) as exc:
        internship.internship.run([], replace(OFFER, company=" ", places=0, district="x"))
    assert fields_of(exc) == {"company", "places", "district"}
    with pytest.raises(RuleViolated) as missing:
        internship.internship.run([], internship.CloseInternship())
    assert rule_of(missing) == "not_found"
