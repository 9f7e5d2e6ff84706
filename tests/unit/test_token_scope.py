"""Issue 15: a district role's token names its district or says city-wide on purpose; production neither
verifies with nor mints from the development key."""
from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from chassis.auth import SCOPED_ROLES, TokenVerifier, issue_token
from chassis.errors import Unauthenticated
from chassis.keys import ensure_dev_keys, jwt_private_key, jwt_public_key
from chassis.settings import Settings
from tests.unit.test_chassis_units import PRIVATE, PUBLIC, SETTINGS

VERIFIER = TokenVerifier(SETTINGS, PUBLIC)


def verify(token: str):
    return VERIFIER.verify(f"Bearer {token}")


@pytest.mark.parametrize("role", sorted(SCOPED_ROLES))
def test_a_district_role_without_a_district_is_refused_naming_the_claim(role):
    with pytest.raises(Unauthenticated, match="district"):
        verify(issue_token(PRIVATE, SETTINGS, roles=[role]))


@pytest.mark.parametrize("role", sorted(SCOPED_ROLES))
def test_a_district_role_is_city_wide_only_when_the_token_says_so(role):
    assert verify(issue_token(PRIVATE, SETTINGS, roles=[role], city=True)).district is None
    assert verify(issue_token(PRIVATE, SETTINGS, roles=[role], district="110105")).district == "110105"


def test_admin_and_partner_need_no_district():
    assert verify(issue_token(PRIVATE, SETTINGS, roles=["admin"])).district is None
    assert verify(issue_token(PRIVATE, SETTINGS, roles=["partner"])).district is None
    assert verify(issue_token(PRIVATE, SETTINGS, roles=["admin", "registry_operator"])).district is None


def test_a_token_is_not_both_for_a_district_and_city_wide():
    with pytest.raises(ValueError):
        issue_token(PRIVATE, SETTINGS, roles=["station_staff"], district="110105", city=True)


def test_production_refuses_the_development_key(tmp_path: Path):
    ensure_dev_keys(tmp_path / "keys")
    production = Settings(environment="production", data_dir=tmp_path)
    with pytest.raises(RuntimeError, match="XQ_JWT_JWKS_URL"):
        jwt_public_key(production)
    with pytest.raises(RuntimeError):
        jwt_private_key(production)
    explicit = production.model_copy(update={"jwt_public_key_file": tmp_path / "keys" / "jwt-public.pem"})
    assert jwt_public_key(explicit) == (tmp_path / "keys" / "jwt-public.pem").read_bytes()


def test_xinqing_token_mints_city_wide_with_city_and_nothing_in_production(tmp_path: Path, monkeypatch):
    from xinqing.cli import app

    monkeypatch.setenv("XQ_DATA_DIR", str(tmp_path))
    minted = CliRunner().invoke(app, ["token", "--role", "registry_operator", "--city"])
    assert minted.exit_code == 0, minted.output
    public = (tmp_path / "keys" / "jwt-public.pem").read_bytes()
    assert TokenVerifier(Settings(), public).verify(f"Bearer {minted.output.strip()}").district is None
    monkeypatch.setenv("XQ_ENVIRONMENT", "production")
    refused = CliRunner().invoke(app, ["token", "--role", "admin"])
    assert refused.exit_code == 1 and "production" in refused.output
