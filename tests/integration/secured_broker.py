"""A test module's own broker with a PARTNERS listener where each agency logs in with SCRAM-SHA-512 (the
services log in on the internal listener, each as its own principal, as on the session's broker), with the
ACLs granted over the module's namespace. Used by the partner topic tests and the agency referral loop."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.support import grant_acls
from xinqing.kafka_acls import agency_user
from xinqing.launcher import kafka_access
from xinqing.launcher.kafka import KafkaBroker
from xinqing.launcher.ports import free_port

AGENCIES = ("hrss", "justice")  # the two these modules give credentials to


class SecuredBroker:
    def __init__(self, settings, data_dir: Path):
        self.settings = settings.model_copy(update={"kafka_bootstrap": f"127.0.0.1:{free_port()}",
                                                    "kafka_controller_port": free_port(), "kafka_sasl": True})
        self.sasl = f"127.0.0.1:{free_port()}"
        credentials = kafka_access.dev_credentials(self.settings)  # the session's: same keys directory
        self.passwords = {a: credentials[agency_user(a)] for a in AGENCIES}
        self.kafka = KafkaBroker(self.settings, data_dir, sasl_port=int(self.sasl.rsplit(":", 1)[1]),
                                 credentials=credentials)


@contextmanager
def secured_broker(settings, infra, data_dir: Path, log_name: str) -> Iterator[SecuredBroker]:
    """The broker started on free ports (its lines in the session's `log_name` log), ready and with the ACLs
    granted; stopped after."""
    secured = SecuredBroker(settings, data_dir)
    secured.kafka.prepare()
    proc = secured.kafka.process()
    proc.start(lambda name, line: infra.sink(log_name, line))
    try:
        secured.kafka.wait_ready(proc)
        grant_acls(secured.settings)
        yield secured
    finally:
        proc.stop()
