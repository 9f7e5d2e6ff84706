"""面对面 (issue 19) on real PostgreSQL and Kafka, through GraphQL and the branches service: a district
records a session and an issue, a suggestion goes to 人社局 (RSJ), which accepts and answers it while
another department is refused, and the dashboard's figures follow; bad input names its fields."""
from __future__ import annotations

from datetime import date

import pytest

from chassis.db import create_pool
from tests.registry_support import data, fields_named, gql, refusal
from tests.support import CHAOYANG, HAIDIAN, eventually

RECORD = "mutation($i: RecordFaceToFaceInput!) { recordFaceToFace(input: $i) { id position } }"
ISSUE = """mutation($s: ID!, $t: String!) {
    raiseFaceToFaceIssue(sessionId: $s, category: SOCIAL_SECURITY, text: $t) { id position } }"""
SUBMIT = """mutation($s: ID!, $i: ID!, $d: String!) { submitProposal(sessionId: $s, issueId: $i, kind: SUGGESTION,
    title: "简化骑手参保手续", department: $d) { id position } }"""
ACCEPT = "mutation($p: ID!) { acceptProposal(proposalId: $p) { id position } }"
ANSWER = "mutation($p: ID!, $a: String!) { answerProposal(proposalId: $p, answer: $a) { id position } }"
PROPOSALS = """query($pos: String) { proposals(minPosition: $pos) { id status title response department { code }
    district } }"""
SESSIONS = """query($pos: String) { faceToFaceSessions(minPosition: $pos) { id deputies youthAttending
    issues { id category text } } }"""
FIGURES = "{ dashboard { faceToFace { sessions youthAttending proposalsByStatus { status count } } } }"


@pytest.fixture(scope="module")
async def db(settings, branches):
    pool = await create_pool(settings.database_url(settings.database("branches")), max_size=2)
    yield pool
    await pool.close()


def session_input(**changes) -> dict:
    return {"heldOn": date.today().isoformat(), "district": CHAOYANG, "place": "望京骑手驿站",
            "deputyRole": "NPC_DEPUTY", "deputies": 3, "youthAttending": 40} | changes


async def figures(gateway, token: str) -> dict:
    f = data(await gql(gateway, FIGURES, token=token))["dashboard"]["faceToFace"]
    return {"sessions": f["sessions"], "youth": f["youthAttending"],
            **{r["status"]: r["count"] for r in f["proposalsByStatus"]}}


async def test_a_session_becomes_a_suggestion_that_the_department_answers(gateway, db, token):
    league = token("admin", CHAOYANG)
    before = await figures(gateway, league)
    session = data(await gql(gateway, RECORD, {"i": session_input()}, token=league))["recordFaceToFace"]
    issue = data(await gql(gateway, ISSUE, {"s": session["id"], "t": "灵活就业骑手参保手续繁琐"},
                           token=league))["raiseFaceToFaceIssue"]
    rows = data(await gql(gateway, SESSIONS, {"pos": issue["position"]}, token=league))["faceToFaceSessions"]
    [mine] = [r for r in rows if r["id"] == session["id"]]
    assert (mine["deputies"], mine["youthAttending"], mine["issues"]) == (
        3, 40, [{"id": issue["id"], "category": "SOCIAL_SECURITY", "text": "灵活就业骑手参保手续繁琐"}])

    submitted = data(await gql(gateway, SUBMIT, {"s": session["id"], "i": issue["id"], "d": "RSJ"},
                               token=league))["submitProposal"]
    proposal_id = submitted["id"]
    rsj, sfj = token("department_staff", department="RSJ"), token("department_staff", department="SFJ")
    # another department can neither act on it nor see it, and nothing is stored
    stored = await db.fetchval("SELECT count(*) FROM events")
    assert refusal(await gql(gateway, ACCEPT, {"p": proposal_id}, token=sfj))[:2] == ("FORBIDDEN", "department")
    seen_by_sfj = data(await gql(gateway, PROPOSALS, {"pos": submitted["position"]}, token=sfj))["proposals"]
    assert proposal_id not in {p["id"] for p in seen_by_sfj}
    # another district's league staff are refused too
    assert refusal(await gql(gateway, ACCEPT, {"p": proposal_id}, token=token("admin", HAIDIAN)))[0] == "FORBIDDEN"

    # answering before it is accepted breaks the order
    assert refusal(await gql(gateway, ANSWER, {"p": proposal_id, "a": "答复"}, token=rsj))[:2] == (
        "RULE_VIOLATED", "status")
    assert await db.fetchval("SELECT count(*) FROM events") == stored
    data(await gql(gateway, ACCEPT, {"p": proposal_id}, token=rsj))
    answered = data(await gql(gateway, ANSWER, {"p": proposal_id, "a": "已开通线上参保"}, token=rsj))["answerProposal"]
    [seen] = [p for p in data(await gql(gateway, PROPOSALS, {"pos": answered["position"]}, token=rsj))["proposals"]
              if p["id"] == proposal_id]
    assert seen == {"id": proposal_id, "status": "ANSWERED", "title": "简化骑手参保手续", "response": "已开通线上参保",
                    "department": {"code": "RSJ"}, "district": CHAOYANG}

    async def counted() -> bool:
        after = await figures(gateway, league)
        return (after["sessions"], after["youth"], after["ANSWERED"]) == (
            before["sessions"] + 1, before["youth"] + 40, before["ANSWERED"] + 1)
    await eventually(counted)
    assert (await figures(gateway, token("admin", HAIDIAN)))["sessions"] == 0  # another district's dashboard


async def test_bad_input_names_every_field_and_another_district_is_refused(gateway, token):
    league = token("admin", CHAOYANG)
    bad = session_input(deputies=0, youthAttending=-3, deputyRole="CPPCC_MEMBER")
    assert fields_named(await gql(gateway, RECORD, {"i": bad}, token=league)) == {"deputies", "youthAttending"}
    blank = session_input(place=" ")  # the gateway's text rule answers before the service is asked
    assert fields_named(await gql(gateway, RECORD, {"i": blank}, token=league)) == {"input.place"}
    other = await gql(gateway, RECORD, {"i": session_input(district=HAIDIAN)}, token=league)
    assert refusal(other)[:2] == ("FORBIDDEN", "district")
    staff = await gql(gateway, RECORD, {"i": session_input()}, token=token("department_staff", department="RSJ"))
    assert refusal(staff)[0] == "FORBIDDEN"
