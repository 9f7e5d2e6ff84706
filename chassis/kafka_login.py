"""Who a Kafka client is: every connection logs in with SASL/SCRAM-SHA-512 as a principal of its own.

A service is `svc-<service>` (its ACLs follow from contracts/: xinqing/kafka_acls.py); the launcher, the
tests and the maintenance commands that create topics and ACLs are `admin`, a super user no app holds.
Passwords come from settings (`XQ_KAFKA_PASSWORD`, `XQ_KAFKA_ADMIN_PASSWORD`: secrets in deploy/) or, in
development and tests, from `<data_dir>/keys/kafka-<user>.password` (0600), written by the launcher.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .settings import Settings

ADMIN = "admin"
MECHANISM = "SCRAM-SHA-512"


def principal(service: str) -> str:
    """The Kafka user of a service (`svc-registry`, …)."""
    return f"svc-{service}"


def password_file(settings: Settings, user: str) -> Path:
    return settings.keys_dir / f"kafka-{user}.password"


@dataclass(frozen=True)
class KafkaLogin:
    """Where a client connects and as whom; `user` None only for a broker without authentication."""

    bootstrap: str
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    mechanism: str = MECHANISM  # PLAIN: only the local broker's own principal (xinqing/launcher/kafka_access.py)

    def options(self) -> dict[str, str]:
        """The keyword arguments of every aiokafka client (producer, consumer, admin)."""
        if self.user is None:
            return {"bootstrap_servers": self.bootstrap}
        return {"bootstrap_servers": self.bootstrap, "security_protocol": "SASL_PLAINTEXT",
                "sasl_mechanism": self.mechanism, "sasl_plain_username": self.user,
                "sasl_plain_password": self.password or ""}


def login_as(settings: Settings, user: str, password: str | None = None) -> KafkaLogin:
    """`user` with `password`, or with its development file."""
    if not settings.kafka_sasl:
        return KafkaLogin(settings.kafka_bootstrap)
    if password is None:
        path = password_file(settings, user)
        if settings.environment == "production" or not path.exists():
            raise RuntimeError(f"no Kafka password for {user}: set it (XQ_KAFKA_PASSWORD, or XQ_KAFKA_ADMIN_PASSWORD "
                               f"for {ADMIN}), or start the broker with `xinqing up`, which writes {path}")
        password = path.read_text().strip()
    return KafkaLogin(settings.kafka_bootstrap, user, password)


def service_login(settings: Settings, service: str) -> KafkaLogin:
    """A service's own principal: `XQ_KAFKA_USER`/`XQ_KAFKA_PASSWORD` when set (one process, one service),
    else `svc-<service>` with its development password (several services in one test process)."""
    if settings.kafka_user and settings.kafka_password:
        return login_as(settings, settings.kafka_user, settings.kafka_password)
    return login_as(settings, principal(service))


def admin_login(settings: Settings) -> KafkaLogin:
    """Topic and ACL set-up only (launcher, `xinqing topics`, `xinqing rebuild`, tests)."""
    return login_as(settings, ADMIN, settings.kafka_admin_password)
