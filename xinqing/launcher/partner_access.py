"""Agencies' access to the local broker: one SCRAM user per agency, ACLs for its own topics only: Read on
`partner.<agency>.*` (youth, referrals, the dead letters of its replies), Write on `partner.<agency>.replies`
alone (contracts/partners.py: the agency principal owns that one topic).

Users are created when the log directory is formatted (`--add-scram`); ACLs are added with Kafka's
own `kafka-acls` tool (org.apache.kafka.tools.AclCommand, from deploy/kafka/pom.xml) over the internal
listener. Development passwords live in `<data_dir>/keys/agency-<name>.password` (git-ignored).
"""
from __future__ import annotations

import secrets
import subprocess
from pathlib import Path

from chassis.settings import Settings
from contracts.agencies import AGENCIES
from contracts.partners import replies_topic

from .errors import LaunchError

AGENCY_NAMES = tuple(code.lower() for code in AGENCIES)


def user(agency: str) -> str:
    return f"agency-{agency.lower()}"


def topic_prefix(settings: Settings, agency: str) -> str:
    """Every topic of one agency starts with this (`partner.<agency>.`; namespaced in tests)."""
    return settings.topic(f"partner.{agency.lower()}.")


def dev_credentials(keys_dir: Path) -> dict[str, str]:
    """user -> password, generated once per data directory."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    found = {}
    for agency in AGENCY_NAMES:
        path = keys_dir / f"{user(agency)}.password"
        if not path.exists():
            path.write_text(secrets.token_urlsafe(24))
            path.chmod(0o600)
        found[user(agency)] = path.read_text().strip()
    return found


def acl_arguments(settings: Settings, agency: str) -> list[str]:
    """Read + Describe on the agency's topics and consumer groups (both prefixed `partner.<agency>.`)."""
    prefix = topic_prefix(settings, agency)
    return ["--add", "--allow-principal", f"User:{user(agency)}", "--operation", "Read", "--operation", "Describe",
            "--resource-pattern-type", "prefixed", "--topic", prefix, "--group", prefix]


def write_acl_arguments(settings: Settings, agency: str) -> list[str]:
    """Write on the agency's replies topic, that literal name only (not the dead letters beside it)."""
    return ["--add", "--allow-principal", f"User:{user(agency)}", "--operation", "Write",
            "--resource-pattern-type", "literal", "--topic", settings.topic(replies_topic(agency))]


def grant_acls(settings: Settings, java: str, libs: Path, agencies=AGENCY_NAMES) -> None:
    """Idempotent: adding an ACL that exists changes nothing."""
    for agency in agencies:
        for arguments in (acl_arguments(settings, agency), write_acl_arguments(settings, agency)):
            done = subprocess.run(
                [java, "-cp", f"{libs}/*", "org.apache.kafka.tools.AclCommand",
                 "--bootstrap-server", settings.kafka_bootstrap, *arguments],
                capture_output=True, text=True, env={"KAFKA_LOG4J_OPTS": ""}, timeout=120)
            if done.returncode != 0:
                raise LaunchError(f"Adding the Kafka ACLs of {user(agency)} failed: {done.stderr.strip()[-300:]}")
