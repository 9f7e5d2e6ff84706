"""推优, Given / When / Then (no IO): a branch recommends its active member, the district reviews, the
outcome is recorded; withdrawal before the outcome; leaving the branch or erasure ends what is open
(issue 19)."""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from functools import partial

from services.branches.domain import recommendation as r
from services.branches.domain.facts import BranchFacts, YouthFacts
from tests.unit.refusals import refused_fields, refused_rule

TODAY = date(2026, 12, 2)
BRANCH = BranchFacts("b1", True, "110105", "NEW_ECONOMY")
YOUTH = YouthFacts(active=True, district="110105", league_age=True)
RECOMMEND = r.Recommend("r1", "y1", "PARTY", " 连续两年服务骑手，表现突出 ", BRANCH, "b1", YOUTH, TODAY)
RECOMMENDED = [r.Recommended("r1", "y1", "b1", "110105", "PARTY", "连续两年服务骑手，表现突出", TODAY)]
ACCEPTED = [*RECOMMENDED, r.Reviewed("r1", "ACCEPTED", "", TODAY)]
run = r.recommendation.run


rule_of = partial(refused_rule, r.recommendation)
fields_of = partial(refused_fields, r.recommendation)


def test_a_branch_recommends_its_active_member_with_a_trimmed_reason():
    assert run([], RECOMMEND) == RECOMMENDED


def test_bad_kind_and_blank_or_long_reason_name_the_fields():
    assert fields_of([], replace(RECOMMEND, kind="MEDAL", reason=" ")) == {"kind", "reason"}
    assert fields_of([], replace(RECOMMEND, reason="优" * 501)) == {"reason"}
    assert fields_of([], replace(RECOMMEND, reason="优秀\x1b[31m")) == {"reason"}


def test_only_an_active_member_of_an_active_branch_is_recommended():
    assert rule_of([], replace(RECOMMEND, member_of=None)) == "not_a_member"
    assert rule_of([], replace(RECOMMEND, member_of="b2")) == "not_a_member"
    assert rule_of([], replace(RECOMMEND, youth=replace(YOUTH, active=False))) == "youth_inactive"
    assert rule_of([], replace(RECOMMEND, branch=replace(BRANCH, active=False))) == "branch_inactive"


def test_one_open_recommendation_per_member_and_kind():
    assert rule_of(RECOMMENDED, replace(RECOMMEND, recommendation_id="r2")) == "already_open"
    honour = replace(RECOMMEND, recommendation_id="r2", kind="HONOUR")
    assert run(RECOMMENDED, honour)[0].kind == "HONOUR"
    # once the first one has its outcome, the branch may recommend again
    done = [*ACCEPTED, r.OutcomeRecorded("r1", "NOT_ADOPTED", TODAY)]
    assert run(done, replace(RECOMMEND, recommendation_id="r2"))[0].recommendation_id == "r2"


def test_the_district_accepts_or_returns_with_a_reason():
    assert run(RECOMMENDED, r.Review("r1", True, "", TODAY)) == [r.Reviewed("r1", "ACCEPTED", "", TODAY)]
    assert fields_of(RECOMMENDED, r.Review("r1", False, " ", TODAY)) == {"reason"}
    assert run(RECOMMENDED, r.Review("r1", False, "材料不全", TODAY)) == [
        r.Reviewed("r1", "RETURNED", "材料不全", TODAY)]
    assert rule_of(ACCEPTED, r.Review("r1", True, "", TODAY)) == "already_reviewed"
    assert rule_of(RECOMMENDED, r.Review("nope", True, "", TODAY)) == "recommendation_not_found"


def test_the_outcome_follows_acceptance_and_is_dated_between_recommendation_and_today():
    assert rule_of(RECOMMENDED, r.RecordOutcome("r1", True, TODAY, TODAY)) == "not_accepted"
    assert fields_of(ACCEPTED, r.RecordOutcome("r1", True, date(2026, 12, 3), TODAY)) == {"decidedOn"}
    assert fields_of(ACCEPTED, r.RecordOutcome("r1", True, date(2026, 12, 1), TODAY)) == {"decidedOn"}
    assert run(ACCEPTED, r.RecordOutcome("r1", True, TODAY, TODAY)) == [r.OutcomeRecorded("r1", "ADOPTED", TODAY)]


def test_withdrawal_only_before_the_outcome():
    assert run(ACCEPTED, r.Withdraw("r1", TODAY)) == [r.Withdrawn("r1", TODAY)]
    adopted = [*ACCEPTED, r.OutcomeRecorded("r1", "ADOPTED", TODAY)]
    assert rule_of(adopted, r.Withdraw("r1", TODAY)) == "recommendation_closed"


def test_leaving_or_erasure_ends_every_open_recommendation_and_nothing_else():
    honour = run(RECOMMENDED, replace(RECOMMEND, recommendation_id="r2", kind="HONOUR"))
    assert run([*RECOMMENDED, *honour], r.EndOpen(r.EndReason.ERASED, TODAY)) == [
        r.RecommendationEnded("r1", "ERASED", TODAY), r.RecommendationEnded("r2", "ERASED", TODAY)]
    assert run([*ACCEPTED, r.OutcomeRecorded("r1", "ADOPTED", TODAY)], r.EndOpen(r.EndReason.LEFT_BRANCH, TODAY)) == []
    state = r.recommendation.fold([*RECOMMENDED, r.RecommendationEnded("r1", "LEFT_BRANCH", TODAY)])
    assert state.find("r1").status == r.Status.ENDED and state.open() == []
