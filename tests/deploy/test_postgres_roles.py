"""Issue 15 in the deploy files: each app connects as its own PostgreSQL role with its own secret, never
as the admin; the roles script and the compose init cover every app; production verifies the server."""
from __future__ import annotations

import re
from pathlib import Path

import yaml

from tests.deploy.test_deploy_files import DEFAULTS, FACTORIES, ROOT, base, kustomize, of_kind  # noqa: F401

INIT_DIR = "/docker-entrypoint-initdb.d/"  # the postgres image runs the scripts here on its first start, in order


def as_psql_runs(path: Path) -> str:
    """A psql script with its `\\ir` includes inlined (relative to the including file), as psql runs it."""
    return re.sub(r"^\\ir (\S+)$", lambda m: as_psql_runs(path.parent / m.group(1)), path.read_text(), flags=re.M)


def compose_first_start() -> str:
    """Every script compose's PostgreSQL runs on its first start (mounted into its init directory), in order."""
    volumes = yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]["postgres"]["volumes"]
    mounts = sorted((target, source) for source, target, *_ in (v.split(":") for v in volumes)
                    if target.startswith(INIT_DIR))
    return "".join(as_psql_runs(ROOT / source) for _, source in mounts)


def test_every_app_gets_its_own_roles_password_and_never_the_admins(base):  # noqa: F811
    for app in FACTORIES:
        env = {e["name"]: e for e in of_kind(base, "Deployment")[app]["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert "XQ_PG_PASSWORD" not in env, app
        assert env["XQ_PG_SERVICE_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"xinqing-postgres-{app}"


def test_the_roles_script_and_the_compose_init_close_every_database():
    script = as_psql_runs(ROOT / "deploy/k8s/postgres-roles.sql")
    init = compose_first_start()
    for app in FACTORIES:
        database = DEFAULTS.database(app)  # the role is named as the database (chassis.roles.role)
        assert f"'{database}'" in script and f"ALTER DATABASE {database}" in script, app
        for text in (script, init):
            assert f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} " in text, app


def test_production_verifies_the_database_servers_certificate():
    config = of_kind(kustomize("production"), "ConfigMap")["xinqing-config"]["data"]
    assert config["XQ_PG_SSLMODE"] == "verify-full" and config["XQ_PG_SSLROOTCERT"]


def test_each_key_store_has_its_own_role_database_and_secret(base):  # noqa: F811
    """Person keys apart from the events (chassis/keystore.py): a database and role per sealing service."""
    from chassis.keystore import SEALING_SERVICES, store_of

    script = as_psql_runs(ROOT / "deploy/k8s/postgres-roles.sql")
    init = compose_first_start()
    for app in SEALING_SERVICES:
        database = DEFAULTS.database(store_of(app))
        assert f"'{database}'" in script and f"ALTER DATABASE {database} OWNER TO {database}" in script, app
        assert f"CREATE DATABASE {database};" in init, app
        for text in (script, init):
            assert f"REVOKE CONNECT, TEMPORARY ON DATABASE {database} " in text, app
        env = {e["name"]: e for e in of_kind(base, "Deployment")[app]["spec"]["template"]["spec"]["containers"][0]["env"]}
        assert env["XQ_PG_KEYS_PASSWORD"]["valueFrom"]["secretKeyRef"]["name"] == f"xinqing-postgres-{app}-keys"
