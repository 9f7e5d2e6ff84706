"""Who may log in to the local broker, and as what.

- `broker`: the broker's own principal (SASL/PLAIN, declared in server.properties, 0600): the controller
  listener and the broker's link to it. A super user; no client is given it. The launcher uses it for one
  thing only: adding the SCRAM users that an existing log directory lacks (`kafka-configs`), because the
  `admin` user may be among them.
- SCRAM-SHA-512 users kept in the cluster's metadata: `admin` (super user: topics and ACLs), one per
  service (`svc-registry`, …; ACLs from contracts/, xinqing/kafka_acls.py) and one per agency
  (`agency-<code>`). Created when the log directory is formatted (`--add-scram`), added later to one
  formatted before they existed (or whose development password changed) without a reset.
Development passwords live in `<data_dir>/keys/kafka-<user>.password` (0600, git-ignored).
"""
from __future__ import annotations

import asyncio
import logging
import secrets
import subprocess
import tempfile
from pathlib import Path

from aiokafka.admin import AIOKafkaAdminClient

from chassis.kafka_login import ADMIN, KafkaLogin, password_file
from chassis.settings import Settings
from xinqing.kafka_acls import contract_principals

from .errors import LaunchError

BROKER = "broker"


def scram_users() -> list[str]:
    return [ADMIN, *sorted(contract_principals())]


def dev_credentials(settings: Settings) -> dict[str, str]:
    """user -> password for the broker principal and every SCRAM user, generated once per data directory."""
    settings.keys_dir.mkdir(parents=True, exist_ok=True)
    found = {}
    for user in (BROKER, *scram_users()):
        path = password_file(settings, user)
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        found[user] = path.read_text().strip()
    return found


def broker_login(settings: Settings, password: str) -> KafkaLogin:
    return KafkaLogin(settings.kafka_bootstrap, BROKER, password, mechanism="PLAIN")


async def logs_in(login: KafkaLogin) -> bool:
    """Whether the broker takes this login (any failure counts as no)."""
    admin = AIOKafkaAdminClient(**login.options(), request_timeout_ms=5000)
    try:
        await admin.start()
        return True
    except Exception:
        return False
    finally:
        await admin.close()


async def _refused(settings: Settings, credentials: dict[str, str]) -> list[str]:
    users = scram_users()
    quiet = logging.getLogger("aiokafka")
    level = quiet.level
    quiet.setLevel(logging.CRITICAL)  # a refused login is the answer here, not an error
    try:
        ok = await asyncio.gather(*(logs_in(KafkaLogin(settings.kafka_bootstrap, u, credentials[u])) for u in users))
    finally:
        quiet.setLevel(level)
    return [u for u, good in zip(users, ok) if not good]


def ensure_users(settings: Settings, java: str, libs: Path, credentials: dict[str, str]) -> list[str]:
    """Add (or reset to the development password) each SCRAM user that cannot log in; returns them."""
    missing = asyncio.run(_refused(settings, credentials))
    if not missing:
        return []
    with tempfile.NamedTemporaryFile("w", suffix=".properties") as config:  # mode 0600
        config.write("security.protocol=SASL_PLAINTEXT\nsasl.mechanism=PLAIN\n"
                     "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                     f'username="{BROKER}" password="{credentials[BROKER]}";\n')
        config.flush()
        for user in missing:
            done = subprocess.run(
                [java, "-cp", f"{libs}/*", "kafka.admin.ConfigCommand", "--bootstrap-server", settings.kafka_bootstrap,
                 "--command-config", config.name, "--alter", "--entity-type", "users", "--entity-name", user,
                 "--add-config", f"SCRAM-SHA-512=[password={credentials[user]}]"],
                capture_output=True, text=True, env={"KAFKA_LOG4J_OPTS": ""}, timeout=120)
            if done.returncode != 0:
                raise LaunchError(f"Adding the Kafka user {user} failed: {done.stderr.strip()[-300:]}")
    return missing
