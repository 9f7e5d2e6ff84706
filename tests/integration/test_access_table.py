"""Every query and mutation × every role × own / other district: exactly the expected allow or deny.

The arguments are generated from the schema (required ones only, well-formed dummies; ids of nothing
that exists), so an answer other than FORBIDDEN means the role passed the access check and the request
went on to validation or lookup. Every staff token is scoped to 朝阳区 (110105); "own" puts 110105 into
every district argument, "other" 110108 (海淀区). A youth token (a young person's own account) has no
district: its own-record fields act on the caller's record whatever the arguments say. The anonymous caller
(no token) reaches the public fields only. A field without a row in ACCESS fails the test, so a new field
cannot arrive without its access decision.

FORBIDDEN carries `rule`: "role" (the role may not do this at all) or "district" (not in the caller's
district). An id of nothing answers a district-scoped caller exactly like an id of another district
(FORBIDDEN, rule "district"), so such operations show "by_id" for the roles that pass the role check;
tests/integration/test_access_existence.py proves the two answers equal with real aggregates.
"""
from __future__ import annotations

import uuid

from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)

from chassis.auth import ROLES
from gateway.anonymous import AnonymousLimit
from gateway.schema import schema
from tests.registry_support import gql
from tests.support import CHAOYANG as OWN
from tests.support import HAIDIAN as OTHER

# The department a department_staff token acts for: it leads no measure of the shipped file, so acting on the
# dummy measure M01 (led by 团市委) is refused with rule "department" (the cell "by_dept").
DEPARTMENT = "SFJ"
GQL = schema._schema

SCALARS = {"ID": lambda d: str(uuid.UUID(int=1)), "String": lambda d: "x", "Int": lambda d: 1,
           "Float": lambda d: 1.0, "Boolean": lambda d: False, "Date": lambda d: "2001-03-04",
           "DateTime": lambda d: "2026-01-01T00:00:00Z", "JSON": lambda d: {}, "Decimal": lambda d: "1.00"}
# Arguments whose dummy must be well-formed to reach the access check (validation comes first).
NAMED = {"measureId": "M01"}


def value(gtype, district: str, name: str = ""):
    if isinstance(gtype, GraphQLNonNull):
        return value(gtype.of_type, district, name)
    if isinstance(gtype, GraphQLList):
        return [value(gtype.of_type, district, name)]
    if isinstance(gtype, GraphQLEnumType):
        return next(iter(gtype.values))
    if isinstance(gtype, GraphQLInputObjectType):
        return {k: value(f.type, district, k) for k, f in gtype.fields.items() if isinstance(f.type, GraphQLNonNull)}
    if isinstance(gtype, GraphQLScalarType):
        if "district" in name.lower():
            return district
        if name in NAMED:
            return NAMED[name]
        return SCALARS.get(gtype.name, lambda d: "x")(district)
    raise TypeError(gtype)


def type_name(gtype) -> str:
    if isinstance(gtype, GraphQLNonNull):
        return type_name(gtype.of_type) + "!"
    if isinstance(gtype, GraphQLList):
        return f"[{type_name(gtype.of_type)}]"
    return gtype.name


def operation(kind: str, name: str, district: str) -> tuple[str, dict]:
    field = GQL.type_map[kind].fields[name]
    required = {k: a for k, a in field.args.items() if isinstance(a.type, GraphQLNonNull)}
    districted = {k: a for k, a in field.args.items() if "district" in k.lower() and k not in required}
    args = {**required, **districted}
    variables = {k: value(a.type, district, k) for k, a in args.items()}
    declared = ", ".join(f"${k}: {type_name(a.type)}" for k, a in args.items())
    passed = ", ".join(f"{k}: ${k}" for k in args)
    base = field.type
    while isinstance(base, (GraphQLNonNull, GraphQLList)):
        base = base.of_type
    selection = "{ __typename }" if isinstance(base, (GraphQLObjectType, GraphQLUnionType, GraphQLInterfaceType)) else ""
    verb = "query" if kind == "Query" else "mutation"
    return (f"{verb} {'(' + declared + ')' if declared else ''} {{ {name}{'(' + passed + ')' if passed else ''} "
            f"{selection} }}", variables)


def decision(result: dict) -> str:
    """deny (no token, or the role may not), district (the role may, not here), department (the role may,
    not for this department's work), allow (past all)."""
    extensions = [e.get("extensions", {}) for e in result.get("errors", [])]
    if any(x.get("code") == "UNAUTHENTICATED" or (x.get("code") == "FORBIDDEN"
                                                  and x.get("rule") not in ("district", "department"))
           for x in extensions):
        return "deny"
    if any(x.get("code") == "FORBIDDEN" and x.get("rule") == "department" for x in extensions):
        return "department"
    return "district" if any(x.get("code") == "FORBIDDEN" for x in extensions) else "allow"


FIELDS = [("Query", n) for n in GQL.type_map["Query"].fields] + [("Mutation", n) for n in GQL.type_map["Mutation"].fields]


async def test_every_field_every_role_every_district_as_the_table_says(gateway, token):
    observed: dict[str, dict[str, str]] = {}
    for kind, name in FIELDS:
        for role in ROLES:
            t = token(role, subject="access-table") if role == "youth" else \
                token(role, OWN, department=DEPARTMENT) if role == "department_staff" else token(role, OWN)
            cells = observed.setdefault(name, {})
            for where, district in (("own", OWN), ("other", OTHER)):
                query, variables = operation(kind, name, district)
                if where == "other" and variables == operation(kind, name, OWN)[1]:
                    cells[f"{role}/other"] = cells[f"{role}/own"]  # no district argument: the same request
                    continue
                cells[f"{role}/{where}"] = decision(await gql(gateway, query, variables, token=t))
    missing = [n for _, n in FIELDS if n not in ACCESS]
    assert not missing, f"fields without an access row: {missing}"
    wrong = {}
    for name, cells in observed.items():
        for cell, got in cells.items():
            if expected(name, cell) != got:
                wrong[f"{name} {cell}"] = got
    assert not wrong, "\n".join(f"{k}: {v}" for k, v in sorted(wrong.items()))


async def test_without_a_token_only_the_public_fields_answer(gateway, token):
    """The anonymous caller: every field refuses it (UNAUTHENTICATED) except the public ones."""
    rt = gateway.app.state.runtime
    limit = rt.deps.anonymous
    rt.deps.anonymous = AnonymousLimit(per_minute=100_000)  # the rate limit has its own test
    try:
        observed = {name: decision(await gql(gateway, *operation(kind, name, OWN))) for kind, name in FIELDS}
    finally:
        rt.deps.anonymous = limit
    wrong = {name: got for name, got in observed.items() if got != ("allow" if "anonymous" in ACCESS[name] else "deny")}
    assert not wrong, wrong


def expected(name: str, cell: str) -> str:
    role, where = cell.split("/")
    rule = ACCESS[name]
    allowed = rule.get(SHORT[role], "")
    if allowed == "any" or (allowed == "own" and where == "own"):
        return "allow"
    if allowed == "by_dept":
        return "department"
    return "district" if allowed in ("own", "by_id") else "deny"


# role → "any" (every district), "own" (its own district only), "by_id" (the role may; the district is the
# looked-up aggregate's, so an id of nothing answers FORBIDDEN/district), "by_dept" (the role may, for its
# own department's work only: the dummy is another department's, FORBIDDEN/department); a role not named
# is denied.
EVERYONE = {r: "any" for r in ("admin", "operator", "secretary", "staff", "viewer", "partner", "dept")}
SHORT = {"admin": "admin", "registry_operator": "operator", "branch_secretary": "secretary",
         "station_staff": "staff", "department_viewer": "viewer", "partner": "partner", "youth": "youth",
         "department_staff": "dept"}
DASHBOARD = {r: "any" for r in ("admin", "operator", "secretary", "staff", "viewer", "dept")}  # the dashboard roles
OWN_RECORD = {"youth": "any"}  # a youth token on its own record; every staff role is refused
PUBLIC = {**EVERYONE, "youth": "any", "anonymous": "any"}  # anyone, also without a token (rate-limited then)
# The rows most operations share, named once: the roles that may act ("by_id": on an aggregate of their
# district, an id of nothing answering like another district's; "own": in their own district; "any": anywhere).
STAFF_BY_ID = {"admin": "by_id", "staff": "by_id"}  # a station's, case's, appeal's… staff (stations service)
SECRETARY_BY_ID = {"admin": "by_id", "secretary": "by_id"}  # a branch's secretary (branches service)
OPERATOR_BY_ID = {"admin": "by_id", "operator": "by_id"}  # a person's record (registry)
ADMIN_BY_ID = {"admin": "by_id"}  # the district's league committee only
ADDRESSED_DEPARTMENT = {"admin": "by_id", "dept": "by_dept"}  # the league, or the department the work is addressed to
SECRETARY_ANY = {"admin": "any", "secretary": "any"}
SECRETARY_OWN = {"admin": "own", "secretary": "own"}
STAFF_OWN = {"admin": "own", "staff": "own"}
STATION_LISTS = {"admin": "own", "staff": "own", "viewer": "own"}  # the stations' lists, also for departments
ACCESS: dict[str, dict[str, str]] = {
    "districts": {**EVERYONE, "youth": "any"},  # reference list (e.g. for registerMe's district)
    "dashboard": {"admin": "own", "operator": "own", "secretary": "own", "staff": "own", "viewer": "own",
                  "dept": "own"},
    "youth": {"admin": "by_id", "operator": "by_id", "secretary": "by_id", "staff": "by_id"},
    "youths": {"admin": "any", "operator": "any", "secretary": "any", "staff": "any"},
    "auditEntries": {"admin": "any"},
    "branches": SECRETARY_OWN,
    "branchMembers": SECRETARY_ANY,
    "transfers": SECRETARY_OWN,
    "organisations": SECRETARY_OWN,
    "meetingCompliance": SECRETARY_OWN,
    "measures": {"admin": "any", "operator": "any", "secretary": "any", "staff": "any", "viewer": "any",
                 "dept": "any"},
    "stations": {"admin": "own", "operator": "own", "secretary": "own", "staff": "own", "viewer": "own",
                 "dept": "own"},  # the dashboard roles
    "nearestStations": PUBLIC,
    "upcomingEvents": PUBLIC,
    "upcomingProgrammes": PUBLIC,
    "personTimes": STATION_LISTS,
    "programmes": STATION_LISTS,
    "events": STATION_LISTS,
    "appeals": STATION_LISTS,
    "registerYouth": {"admin": "own", "operator": "own"},
    "updateYouthProfile": OPERATOR_BY_ID,
    "giveConsent": OPERATOR_BY_ID,
    "withdrawConsent": OPERATOR_BY_ID,
    "mergeYouth": {"admin": "any", "operator": "any"},
    "eraseYouth": OPERATOR_BY_ID,
    "exportYouth": OPERATOR_BY_ID,
    "issueClaimCode": {"admin": "by_id", "operator": "by_id", "staff": "by_id"},
    "me": OWN_RECORD,
    "registerMe": OWN_RECORD,
    "claimMyRecord": OWN_RECORD,
    "updateMyProfile": OWN_RECORD,
    "giveMyConsent": OWN_RECORD,
    "withdrawMyConsent": OWN_RECORD,
    "exportMyData": OWN_RECORD,
    "eraseMe": OWN_RECORD,
    "joinBranchWithCode": OWN_RECORD,
    "applyForMyMembership": OWN_RECORD,
    "requestMyTransfer": OWN_RECORD,
    "leaveMyBranch": OWN_RECORD,
    "bookEvent": OWN_RECORD,
    "cancelBooking": OWN_RECORD,
    "enrolInProgramme": OWN_RECORD,
    "rateService": OWN_RECORD,
    "openMyCase": OWN_RECORD,
    "rateMyCase": OWN_RECORD,
    "foundBranch": SECRETARY_OWN,
    "renameBranch": SECRETARY_BY_ID,
    "assignSecretary": SECRETARY_BY_ID,
    "dissolveBranch": SECRETARY_BY_ID,
    "issueInvitation": SECRETARY_BY_ID,
    "recordOrganisationContact": SECRETARY_OWN,
    "establishWorkingRelationship": SECRETARY_BY_ID,
    "applyForMembership": SECRETARY_ANY,
    "approveMembership": SECRETARY_ANY,
    "rejectMembership": SECRETARY_BY_ID,
    "joinWithInvitation": SECRETARY_ANY,
    "requestTransfer": SECRETARY_ANY,
    "approveTransfer": SECRETARY_ANY,
    "rejectTransfer": SECRETARY_ANY,
    "leaveBranch": SECRETARY_ANY,
    "recordMeeting": SECRETARY_BY_ID,
    "recordAttendance": SECRETARY_BY_ID,
    "addMilestone": {"admin": "any"},  # the joint meeting office: city-wide measures
    "completeMilestone": {"admin": "any"},  # the joint meeting office: city-wide measures
    # the league office reports on any measure; a department on the measures it leads (M01 is 团市委's)
    "reportMeasureProgress": {"admin": "any", "dept": "by_dept"},
    "addMeasureContribution": {"dept": "by_dept"},  # a supporting department of the measure (M01: not SFJ)
    "departments": DASHBOARD,
    "measureBoard": DASHBOARD,
    "actionItems": {r: "own" for r in DASHBOARD},
    "jointMeetings": {r: "own" for r in DASHBOARD},
    "nextMeetingAgenda": {r: "own" for r in DASHBOARD},
    # the dummy is a city meeting: a district admin may record its own district's meetings, not the city's
    "recordJointMeeting": ADMIN_BY_ID,
    # an item of nothing answers like another's: FORBIDDEN (district for a district admin, department for staff)
    "noteActionItemProgress": ADDRESSED_DEPARTMENT,
    "completeActionItem": ADDRESSED_DEPARTMENT,
    "createStation": STAFF_OWN,
    "changeStationStatus": STAFF_BY_ID,
    "recordServices": STAFF_BY_ID,
    "createProgramme": STAFF_OWN,
    "addProgrammeSession": STAFF_BY_ID,
    "enrol": STAFF_BY_ID,
    "recordProgrammeAttendance": STAFF_BY_ID,
    "recordExamResult": STAFF_BY_ID,
    "payScholarship": STAFF_BY_ID,
    "scheduleEvent": STAFF_OWN,
    "registerForEvent": STAFF_BY_ID,
    "recordEventAttendance": STAFF_BY_ID,
    "importAppeal": STAFF_OWN,
    "dispatchAppeal": STAFF_BY_ID,
    "contactAppeal": STAFF_BY_ID,
    "resolveAppeal": STAFF_BY_ID,
    "rateAppeal": STAFF_BY_ID,
    "cases": {"admin": "any", "staff": "any"},  # no district argument: a district token's list is its own district
    "caseSummary": STAFF_BY_ID,
    "openCase": STAFF_OWN,
    "triageCase": STAFF_BY_ID,
    "referCase": STAFF_BY_ID,
    "recordAgencyAnswer": STAFF_BY_ID,
    "startCaseMediation": STAFF_BY_ID,
    "grantCaseAid": STAFF_BY_ID,
    "resolveCase": STAFF_BY_ID,
    "rateCase": STAFF_BY_ID,
    "reopenCase": STAFF_BY_ID,
    # 12345: an appeal's words for its district's staff (audited); hot topics and governance items carry no
    # personal data, so the city's departments see them too; lists without a district argument are the caller's own
    "appealDetails": STAFF_BY_ID,
    "categoriseAppeal": STAFF_BY_ID,
    "hotTopics": {"admin": "any", "staff": "any", "viewer": "any"},
    "governanceItems": {"admin": "any", "staff": "any", "viewer": "any"},
    "openGovernanceItem": STAFF_BY_ID,
    "addGovernanceAction": STAFF_BY_ID,
    "completeGovernanceItem": STAFF_BY_ID,
    "publishVolunteerShift": STAFF_OWN,
    "addVolunteer": STAFF_BY_ID,
    "recordVolunteerHours": STAFF_BY_ID,
    "correctVolunteerHours": STAFF_BY_ID,
    "signUpForShift": OWN_RECORD,
    "volunteerCertificate": {"admin": "any", "staff": "any"},  # a district's staff certify their district's hours
    "myVolunteerCertificate": OWN_RECORD,
    "applyForProject": OWN_RECORD,
    "projectSummary": STAFF_BY_ID,
    "supportProject": STAFF_BY_ID,
    "declineProject": STAFF_BY_ID,
    "noteProjectMilestone": STAFF_BY_ID,
    "endProject": STAFF_BY_ID,
    "offerInternship": STAFF_BY_ID,  # at a station of the caller's district
    "closeInternship": STAFF_BY_ID,
    # 筑梦空间's lists (no applicant in them) for the stations' list roles; an internship's applications (who applied,
    # their note) and the decisions on them for the offer's district's staff; applying and withdrawing: one's own
    "dreamSpaceProjects": STATION_LISTS,
    "internships": STATION_LISTS,
    "internshipApplications": STAFF_BY_ID,
    "applyForInternship": OWN_RECORD,
    "withdrawInternshipApplication": OWN_RECORD,
    "acceptInternshipApplication": STAFF_BY_ID,
    "declineInternshipApplication": STAFF_BY_ID,
    # 面对面: the district's league committee records sessions, issues and proposals; the responding department
    # registers and answers the proposals addressed to it (the dummy proposal is nobody's: by_dept)
    "faceToFaceSessions": {r: "own" for r in DASHBOARD},
    "proposals": {r: "own" for r in DASHBOARD},
    "recordFaceToFace": {"admin": "own"},
    "raiseFaceToFaceIssue": ADMIN_BY_ID,
    "submitProposal": ADMIN_BY_ID,
    "acceptProposal": ADDRESSED_DEPARTMENT,
    "declineProposal": ADDRESSED_DEPARTMENT,
    "answerProposal": ADDRESSED_DEPARTMENT,
    # 推优: a branch's secretary recommends and withdraws; the district committee reviews and records outcomes
    "recommendations": SECRETARY_ANY,  # no district argument: the caller's own district
    "recommendMember": SECRETARY_BY_ID,
    "reviewRecommendation": ADMIN_BY_ID,
    "recordRecommendationOutcome": ADMIN_BY_ID,
    "withdrawRecommendation": SECRETARY_BY_ID,
    # 榜样选树: nominated by the district's staff (the registry, asked the name with the caller's token, answers an
    # id of nothing like another district's); the league committee selects or declines; the nominee consents
    "roleModelNominations": {"admin": "any", "secretary": "any", "staff": "any"},  # the caller's own district
    "roleModelTalks": {"admin": "any", "secretary": "any", "staff": "any"},
    "roleModels": PUBLIC,
    "nominateRoleModel": {"admin": "by_id", "secretary": "by_id", "staff": "by_id"},
    "selectRoleModel": ADMIN_BY_ID,
    "declineRoleModel": ADMIN_BY_ID,
    "withdrawRoleModel": {"admin": "by_id", "secretary": "by_id", "staff": "by_id"},
    "recordRoleModelTalk": STAFF_BY_ID,
    "answerRoleModelConsent": OWN_RECORD,
    # media campaigns: the league's admin launches (its own scope: no district argument), closes and judges; station
    # staff read the list; a young person enters and withdraws their own; anyone reads a campaign's showcase
    "campaigns": STAFF_OWN,
    "campaignEntries": ADMIN_BY_ID,
    "campaignShowcase": PUBLIC,
    "launchCampaign": {"admin": "any"},
    "closeCampaign": ADMIN_BY_ID,
    "judgeCampaignEntry": ADMIN_BY_ID,
    "enterCampaign": OWN_RECORD,
    "withdrawCampaignEntry": OWN_RECORD,
}
