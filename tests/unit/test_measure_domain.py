"""The 22 measures, Given / When / Then (no IO): the plan file and its reloads, milestones, a lead
department's progress and a supporting department's contributions (issue 18)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial

import pytest

from chassis.errors import Forbidden
from services.branches.domain import measure as ms
from services.branches.plan import MEASURES, PlanError, milestone_id, parse_plan, read_plan
from tests.unit.refusals import refused_fields, refused_rule

TODAY = date(2026, 11, 29)
M09 = ms.PlanMeasure("M09", "CONTACT_COVERAGE", "在骑手群体中组建流动团支部", "TSW", ("ZGH",), True,
                     date(2027, 12, 31), (ms.PlannedMilestone("k1", "完成 16 区摸底", date(2027, 3, 31)),))
DEFINED = [ms.MeasureDefined("M09", "CONTACT_COVERAGE", "在骑手群体中组建流动团支部", "TSW", ["ZGH"], True,
                             date(2027, 12, 31)),
           ms.MilestoneAdded("M09", "k1", "完成 16 区摸底", date(2027, 3, 31), planned=True)]


rule_of = partial(refused_rule, ms.measure)
fields_of = partial(refused_fields, ms.measure)


def refused_for_department(given, command) -> str:
    with pytest.raises(Forbidden) as exc:
        ms.measure.run(given, command)
    assert exc.value.details["rule"] == "department"
    return exc.value.message


# ---- the plan ------------------------------------------------------------------------------------

def test_a_measure_first_planned_is_defined_with_its_milestones():
    assert ms.measure.run([], M09) == DEFINED


def test_reloading_the_same_plan_records_nothing():
    assert ms.measure.run(DEFINED, replace(M09, today=TODAY)) == []


def test_a_reload_that_changes_the_lead_department_records_the_change():
    events = ms.measure.run(DEFINED, replace(M09, lead="ZGH", partners=("TSW",), today=TODAY))
    assert events == [ms.LeadChanged("M09", "TSW", "ZGH", TODAY),
                      ms.MeasureRevised("M09", "CONTACT_COVERAGE", "在骑手群体中组建流动团支部", ["TSW"], True,
                                        date(2027, 12, 31))]
    assert ms.measure.fold([*DEFINED, *events]).lead == "ZGH"


def test_the_official_list_revises_titles_and_milestones_and_drops_what_it_no_longer_plans():
    official = replace(M09, title="正式标题", placeholder=False,
                       milestones=(ms.PlannedMilestone("k2", "新节点", date(2027, 6, 30)),))
    events = ms.measure.run(DEFINED, official)
    assert events == [ms.MeasureRevised("M09", "CONTACT_COVERAGE", "正式标题", ["ZGH"], False, date(2027, 12, 31)),
                      ms.MilestoneAdded("M09", "k2", "新节点", date(2027, 6, 30), planned=True),
                      ms.MilestoneDropped("M09", "k1")]
    moved = replace(M09, milestones=(ms.PlannedMilestone("k1", "完成 16 区摸底", date(2027, 4, 30)),))
    assert ms.measure.run(DEFINED, moved) == [ms.MilestoneRevised("M09", "k1", "完成 16 区摸底", date(2027, 4, 30))]


def test_a_completed_or_hand_added_milestone_is_not_dropped_by_a_reload():
    given = [*DEFINED, ms.MilestoneCompleted("M09", "k1", TODAY), ms.MilestoneAdded("M09", "h1", "手工节点", TODAY)]
    assert ms.measure.run(given, replace(M09, milestones=())) == []


def test_a_plan_with_an_unknown_department_or_area_names_the_fields():
    bad = replace(M09, area="NOPE", lead="NOPE", partners=("ZGH", "ZGH"), title=" ",
                  milestones=(M09.milestones[0], replace(M09.milestones[0], title="同一编号")))
    assert fields_of([], bad) == {"area", "lead", "title", "supporting", "milestones"}


# ---- milestones and reports ------------------------------------------------------------------------

def test_the_lead_department_reports_progress_with_evidence():
    report = ms.ReportProgress(40, "已建 215 个流动团支部", TODAY, acting_for="TSW",
                               evidence=("https://example.org/report.pdf",), reported_on=date(2026, 11, 20))
    assert ms.measure.run(DEFINED, report) == [
        ms.ProgressReported("M09", 40, "已建 215 个流动团支部", date(2026, 11, 20), "TSW",
                            ["https://example.org/report.pdf"])]


def test_another_department_reporting_progress_is_forbidden():
    message = refused_for_department(DEFINED, ms.ReportProgress(40, "x", TODAY, acting_for="SFJ"))
    assert "团市委" in message
    # a supporting department contributes, it does not report the measure's progress
    refused_for_department(DEFINED, ms.ReportProgress(40, "x", TODAY, acting_for="ZGH"))


def test_the_league_office_may_report_on_any_measure():
    assert ms.measure.run(DEFINED, ms.ReportProgress(10, "", TODAY)) == [ms.ProgressReported("M09", 10, "", TODAY)]


def test_a_supporting_department_adds_contributions_and_no_one_else_does():
    add = ms.AddContribution("ZGH", "驿站提供场地", TODAY, ("https://example.org/a",))
    assert ms.measure.run(DEFINED, add) == [ms.ContributionAdded("M09", "ZGH", "驿站提供场地", TODAY,
                                                                 ["https://example.org/a"])]
    refused_for_department(DEFINED, replace(add, acting_for="SFJ"))
    refused_for_department(DEFINED, replace(add, acting_for="TSW"))  # the lead reports progress instead


def test_reports_are_validated_by_field():
    bad = ms.ReportProgress(101, "x" * 501, TODAY, acting_for="TSW", evidence=("javascript:alert(1)",),
                            reported_on=date(2026, 12, 1))
    assert fields_of(DEFINED, bad) == {"percent", "note", "evidence", "reportedOn"}
    assert fields_of(DEFINED, ms.ReportProgress(10, " ", TODAY, acting_for="TSW")) == {"note"}  # say what was done
    assert fields_of(DEFINED, ms.ReportProgress(10, "a\x1bb", TODAY, acting_for="TSW")) == {"note"}
    assert fields_of(DEFINED, ms.AddMilestone("k9", " ", TODAY)) == {"title"}


def test_milestones_and_progress_of_a_measure():
    [done] = ms.measure.run(DEFINED, ms.CompleteMilestone("k1", TODAY))
    assert done == ms.MilestoneCompleted("M09", "k1", TODAY)
    assert ms.measure.fold([*DEFINED, done]).milestones["k1"].completed


@pytest.mark.parametrize("given, command, rule", [
    ([], ms.ReportProgress(10, "", TODAY), "measure_not_found"),
    (DEFINED, ms.CompleteMilestone("k9", TODAY), "milestone_not_found"),
    (DEFINED, ms.AddMilestone("k1", "y", TODAY), "duplicate_milestone"),
    ([*DEFINED, ms.MilestoneCompleted("M09", "k1", TODAY)], ms.CompleteMilestone("k1", TODAY), "milestone_completed"),
    ([*DEFINED, ms.ProgressReported("M09", 50, "", TODAY)], ms.ReportProgress(40, "", TODAY), "progress_backwards"),
])
def test_illegal_measure_transitions_are_refused(given, command, rule):
    assert rule_of(given, command) == rule


# ---- the file ----------------------------------------------------------------------------------------

def test_the_shipped_file_holds_22_example_measures_in_the_5_areas_each_with_one_lead():
    plan = read_plan()
    assert plan.examples and all(m.placeholder for m in plan.measures)
    assert [m.measure_id for m in plan.measures] == [f"M{i:02d}" for i in range(1, MEASURES + 1)]
    assert {m.area for m in plan.measures} == set(ms.Area)
    assert plan.measures[0].milestones[0].milestone_id == milestone_id("M01", "a")


def test_an_invalid_file_is_refused_with_every_problem_on_its_line():
    text = ("examples: false\nmeasures:\n"
            + "".join(f"  - {{id: M{i:02d}, area: TOP_LEVEL_DESIGN, title: t{i}, lead: TSW}}\n" for i in range(1, 21))
            + "  - id: M21\n    area: PLAYING_A_ROLE\n    title: x\n    lead: NOPE\n"
            + "  - id: M22\n    area: PLAYING_A_ROLE\n    title: y\n    lead: TSW\n    target: 2027-02-30\n")
    with pytest.raises(PlanError) as exc:
        parse_plan(text)
    assert exc.value.problems == ["第 26 行：措施 M21 的牵头单位：未登记的成员单位代码 'NOPE'（见 chassis/departments.yaml）",
                                  "第 31 行：措施 M22 的 target 日期无法解析：'2027-02-30'（应为 YYYY-MM-DD）"]


def test_a_file_without_all_five_areas_or_with_a_missing_lead_is_refused():
    text = ("examples: false\nmeasures:\n"
            + "".join(f"  - {{id: M{i:02d}, area: TOP_LEVEL_DESIGN, title: t{i}, lead: TSW}}\n" for i in range(1, 23)))
    with pytest.raises(PlanError, match="第 3 行：五个方面都须有措施"):
        parse_plan(text)
    with pytest.raises(PlanError, match="第 3 行：措施 M01 缺少牵头单位 lead"):
        parse_plan(text.replace(", lead: TSW}", "}", 1))
    with pytest.raises(PlanError, match="第 1 行：YAML 格式错误|第 2 行：YAML 格式错误"):
        parse_plan("examples: [\n")
