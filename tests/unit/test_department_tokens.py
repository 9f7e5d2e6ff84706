"""Issue 18: a department's staff act for one department, named by the token's `department` claim."""
from __future__ import annotations

from pathlib import Path

import jwt
import pytest
from typer.testing import CliRunner

from chassis.auth import TokenVerifier, issue_token
from chassis.errors import Forbidden, Unauthenticated
from chassis.reference import DEPARTMENTS
from chassis.settings import Settings
from tests.unit.test_chassis_units import PRIVATE, PUBLIC, SETTINGS

VERIFIER = TokenVerifier(SETTINGS, PUBLIC)


def verify(token: str):
    return VERIFIER.verify(f"Bearer {token}")


def test_the_departments_are_data_with_the_joint_meetings_members():
    assert DEPARTMENTS["RSJ"] == "市人力社保局" and DEPARTMENTS["ZZB"] == "市委组织部" and len(DEPARTMENTS) >= 20


def test_a_department_staff_token_acts_for_its_department_only():
    who = verify(issue_token(PRIVATE, SETTINGS, roles=["department_staff"], department="RSJ"))
    assert who.department == "RSJ" and who.district is None
    who.require_department("RSJ", "报告其他单位的措施")
    with pytest.raises(Forbidden) as refused:
        who.require_department("SFJ", "报告其他单位的措施")
    assert refused.value.details["rule"] == "department" and "市人力社保局" in refused.value.message


@pytest.mark.parametrize("department", [None, "NOPE"])
def test_a_department_staff_token_without_a_known_department_is_refused(department):
    claims = {"iss": SETTINGS.jwt_issuer, "aud": SETTINGS.jwt_audience, "sub": "x", "exp": 4_000_000_000,
              "roles": ["department_staff"], **({"department": department} if department else {})}
    with pytest.raises(Unauthenticated, match="department"):
        verify(jwt.encode(claims, PRIVATE, algorithm="ES256"))


def test_other_roles_carry_no_department_and_minting_checks_it():
    claims = {"iss": SETTINGS.jwt_issuer, "aud": SETTINGS.jwt_audience, "sub": "x", "exp": 4_000_000_000,
              "roles": ["department_viewer"], "scope": "city", "department": "RSJ"}
    assert verify(jwt.encode(claims, PRIVATE, algorithm="ES256")).department is None
    with pytest.raises(ValueError, match="department"):
        issue_token(PRIVATE, SETTINGS, roles=["department_staff"])
    with pytest.raises(ValueError, match="department"):
        issue_token(PRIVATE, SETTINGS, roles=["admin"], department="RSJ")
    with pytest.raises(ValueError, match="unknown department"):
        issue_token(PRIVATE, SETTINGS, roles=["department_staff"], department="NOPE")


def test_xinqing_token_mints_a_department_staff_token(tmp_path: Path, monkeypatch):
    from xinqing.cli import app

    monkeypatch.setenv("XQ_DATA_DIR", str(tmp_path))
    minted = CliRunner().invoke(app, ["token", "--role", "department_staff", "--department", "RSJ"])
    assert minted.exit_code == 0, minted.output
    public = (tmp_path / "keys" / "jwt-public.pem").read_bytes()
    assert TokenVerifier(Settings(), public).verify(f"Bearer {minted.output.strip()}").department == "RSJ"
    refused = CliRunner().invoke(app, ["token", "--role", "department_staff"])
    assert refused.exit_code == 1 and "department" in refused.output
