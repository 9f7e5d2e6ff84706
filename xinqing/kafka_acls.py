"""The broker's ACLs, derived from contracts/ alone (one source of truth; tests/unit/test_contracts.py).

- a topic's owner writes (and, a service, creates) it; each of its readers reads it. Owners and readers are
  services (principal `svc-<service>`) or principals by name (`agency-<code>`);
- each service consumes in its own consumer groups only (`<namespace>.<service>.…`, chassis.settings.group);
- the partner publisher alone writes `partner.<agency>.youth`; an agency reads `partner.<agency>.*` in its
  own groups;
- nobody else has anything: the broker denies what no ACL allows (`allow.everyone.if.no.acl.found=false`).
The idempotent producer needs no IdempotentWrite: Write on one topic is enough (KIP-679). No producer is
transactional, so no TransactionalId ACL. `admin` (topic and ACL set-up) is a super user instead.

`grant` sends them with Kafka's CreateAcls request (idempotent: an existing ACL is kept as is); the
launcher grants the `xq` namespace's, each test module its own namespace's.
"""
from __future__ import annotations

import asyncio
import concurrent.futures
from dataclasses import dataclass

from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.protocol.admin import CreateAclsRequest_v1
from aiokafka.protocol.api import Request

import contracts
from chassis.kafka_login import KafkaLogin, admin_login, principal
from chassis.settings import Settings
from contracts.agencies import AGENCIES
from contracts.partners import PUBLISHER, TOPIC_PREFIX, partner_topic

SERVICES = ("registry", "branches", "stations", "partners", "gateway")  # a principal each
AGENCY_NAMES = tuple(code.lower() for code in AGENCIES)
WRITE = ("Write", "Describe")
CREATE = ("Create",)  # a service makes its own topics on start-up (an agency's are made for it)
READ = ("Read", "Describe")
# Kafka's wire codes (org.apache.kafka.common.acl / resource)
RESOURCE = {"topic": 2, "group": 3}
PATTERN = {"literal": 3, "prefixed": 4}
OPERATION = {"Read": 3, "Write": 4, "Create": 5, "Describe": 8}
ALLOW = 3


@dataclass(frozen=True, order=True)
class Acl:
    user: str
    resource: str  # topic | group
    name: str
    pattern: str  # literal | prefixed
    operation: str


def agency_user(agency: str) -> str:
    return f"agency-{agency.lower()}"


def principal_of(name: str) -> str:
    """The Kafka user of a contract's owner or reader: a service's, or a principal named as such."""
    return principal(name) if name in SERVICES else name


def contract_principals() -> set[str]:
    """Every principal contracts/ names (services, agencies, operators)."""
    return ({principal(s) for s in SERVICES} | {agency_user(a) for a in AGENCY_NAMES}
            | {principal_of(n) for t in contracts.TOPICS.values() for n in (t.owner, *t.readers)})


def acls(settings: Settings) -> list[Acl]:
    """Every ACL of one namespace (topic and group names carry it: chassis.settings)."""
    found: set[Acl] = set()

    def allow(user: str, resource: str, name: str, pattern: str, operations: tuple[str, ...]) -> None:
        found.update(Acl(user, resource, name, pattern, op) for op in operations)

    for topic in contracts.TOPICS.values():
        name = settings.topic(topic.name)
        allow(principal_of(topic.owner), "topic", name, "literal", WRITE)
        if topic.owner in SERVICES:
            allow(principal(topic.owner), "topic", name, "literal", CREATE)
        else:  # an agency's (its replies): an agency may write but not create; the service reading it makes it
            for reader in topic.readers & set(SERVICES):
                allow(principal(reader), "topic", name, "literal", CREATE)
        for reader in topic.readers:
            allow(principal_of(reader), "topic", name, "literal", READ)
    for service in SERVICES:
        allow(principal(service), "group", settings.group(f"{service}."), "prefixed", READ)
    for agency in AGENCY_NAMES:
        allow(principal(PUBLISHER), "topic", settings.topic(partner_topic(agency)), "literal", WRITE + CREATE)
        prefix = settings.topic(f"{TOPIC_PREFIX}{agency}.")
        allow(agency_user(agency), "topic", prefix, "prefixed", READ)
        allow(agency_user(agency), "group", prefix, "prefixed", READ)
    return sorted(found)


class _CreateAcls(Request[CreateAclsRequest_v1]):
    """Many ACLs in one request (aiokafka's own CreateAclsRequest carries one)."""

    API_KEY = 30

    def __init__(self, entries: list[Acl]):
        self.entries = entries

    def build(self, request_struct_class: type[CreateAclsRequest_v1]) -> CreateAclsRequest_v1:
        return request_struct_class([(RESOURCE[a.resource], a.name, PATTERN[a.pattern], f"User:{a.user}", "*",
                                      OPERATION[a.operation], ALLOW) for a in self.entries])


async def grant(admin_login: KafkaLogin, entries: list[Acl]) -> None:
    """Add `entries` (as the admin); raises naming the first the broker refused."""
    admin = AIOKafkaAdminClient(**admin_login.options(), request_timeout_ms=10000)
    await admin.start()
    try:
        response = await admin._send_request(_CreateAcls(entries))
    finally:
        await admin.close()
    for acl, (code, message) in zip(entries, response.creation_responses):
        if code:
            raise RuntimeError(f"the broker refused the ACL {acl}: error {code} {message or ''}".strip())


def grant_namespace(settings: Settings) -> None:
    """Every ACL of `settings`' namespace, as `admin`; callable from synchronous code whether or not an event
    loop runs in this thread (a loop of its own, in a worker thread)."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, grant(admin_login(settings), acls(settings))).result()
