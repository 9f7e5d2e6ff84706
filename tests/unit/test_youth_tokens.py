"""Youth tokens: role youth because of who issued them, the account as `sub`, no district, no staff role;
refused by every staff check."""
from __future__ import annotations

import time

import jwt
import pytest

from chassis.auth import TokenVerifier, issue_token
from chassis.errors import Forbidden, Unauthenticated
from chassis.settings import Settings
from tests.unit.test_chassis_units import PRIVATE, PUBLIC, SETTINGS, VERIFIER


def test_a_youth_token_names_the_account_and_carries_only_the_youth_role():
    who = VERIFIER.verify("Bearer " + issue_token(PRIVATE, SETTINGS, roles=["youth"], subject="dev-rider-1"))
    assert who.subject == "dev-rider-1" and who.roles == {"youth"} and who.district is None and who.is_youth
    claims = jwt.decode(who.token, options={"verify_signature": False})
    assert claims["iss"] == SETTINGS.youth_issuer and "roles" not in claims and "district" not in claims


def test_a_youth_token_passes_no_staff_check():
    who = VERIFIER.verify("Bearer " + issue_token(PRIVATE, SETTINGS, roles=["youth"], subject="a"))
    with pytest.raises(Forbidden):
        who.require("admin", "registry_operator", "station_staff")
    # No district would mean city-wide for staff: for a youth token every district check refuses instead.
    with pytest.raises(Forbidden, match="青年本人"):
        who.require_district("110105")
    with pytest.raises(Forbidden, match="青年本人"):
        who.require_found_in_district(None, "未找到")
    assert not who.sees_district("110105")


def test_the_youth_issuer_decides_the_role_not_the_claims():
    now = int(time.time())
    forged = jwt.encode({"iss": SETTINGS.youth_issuer, "aud": SETTINGS.youth_audience, "sub": "x", "exp": now + 60,
                         "roles": ["admin"], "district": "110105"}, PRIVATE, algorithm="ES256")
    who = VERIFIER.verify(f"Bearer {forged}")
    assert who.roles == {"youth"} and who.district is None


def test_a_staff_token_never_carries_the_youth_role():
    now = int(time.time())
    staff = jwt.encode({"iss": SETTINGS.jwt_issuer, "aud": SETTINGS.jwt_audience, "sub": "x", "exp": now + 60,
                        "roles": ["youth", "station_staff"], "scope": "city"}, PRIVATE, algorithm="ES256")
    who = VERIFIER.verify(f"Bearer {staff}")
    assert who.roles == {"station_staff"} and not who.is_youth


def test_a_youth_token_needs_the_youth_audience():
    now = int(time.time())
    wrong = jwt.encode({"iss": SETTINGS.youth_issuer, "aud": SETTINGS.jwt_audience, "sub": "x", "exp": now + 60},
                       PRIVATE, algorithm="ES256")
    with pytest.raises(Unauthenticated):
        VERIFIER.verify(f"Bearer {wrong}")


def test_youth_tokens_are_refused_when_only_a_staff_jwks_is_configured():
    verifier = TokenVerifier(Settings(jwt_jwks_url="http://127.0.0.1:9/jwks.json"), None)
    with pytest.raises(Unauthenticated, match="青年身份"):
        verifier.verify("Bearer " + issue_token(PRIVATE, SETTINGS, roles=["youth"], subject="a"))


def test_youth_tokens_are_made_alone_and_without_a_district():
    with pytest.raises(ValueError):
        issue_token(PRIVATE, SETTINGS, roles=["youth", "admin"])
    with pytest.raises(ValueError):
        issue_token(PRIVATE, SETTINGS, roles=["youth"], district="110105")
    with pytest.raises(ValueError):
        TokenVerifier(Settings(youth_issuer=SETTINGS.jwt_issuer), PUBLIC)
