"""The broker's ACLs as derived from contracts/ (what the real broker enforces: tests/integration/test_kafka_acls.py)."""
from __future__ import annotations

import contracts
from chassis.kafka_login import principal
from chassis.settings import Settings
from xinqing.kafka_acls import SERVICES, Acl, acls, principal_of


def rights(settings: Settings, user: str, operation: str) -> set[tuple[str, str, str]]:
    return {(a.resource, a.name, a.pattern) for a in acls(settings) if a.user == user and a.operation == operation}


def test_only_the_owner_writes_a_contract_topic():
    s = Settings()
    for topic in contracts.TOPICS.values():
        writers = {a.user for a in acls(s) if a.name == topic.name and a.operation == "Write"}
        assert writers == {principal_of(topic.owner)}, topic.name  # a service's svc-<name>, or an agency itself


def test_readers_read_only_the_topics_they_consume_in_their_own_groups():
    s = Settings()
    assert rights(s, "svc-branches", "Read") == {("topic", "xq.registry.youth", "literal"),
                                                 ("group", "xq.branches.", "prefixed")}
    assert ("topic", "xq.registry.youth", "literal") not in rights(s, "svc-registry", "Read")
    assert rights(s, "svc-gateway", "Write") == set()


def test_the_partner_publisher_alone_writes_partner_youth_topics_and_agencies_read_their_own():
    s = Settings(namespace="t1")
    writes = {(a.user, a.name, a.pattern) for a in acls(s) if a.name.startswith("t1.partner.") and a.operation == "Write"}
    assert ("svc-partners", "t1.partner.hrss.youth", "literal") in writes
    assert {user for user, name, _ in writes if name.endswith(".youth")} == {"svc-partners"}
    assert all(pattern == "literal" for _, _, pattern in writes)
    # its own prefix, plus the literal grants its contracts name it a reader of (its referrals, its dead letters)
    assert rights(s, "agency-hrss", "Read") == {("topic", "t1.partner.hrss.", "prefixed"),
                                                ("group", "t1.partner.hrss.", "prefixed"),
                                                ("topic", "t1.partner.hrss.referrals", "literal"),
                                                ("topic", "t1.partner.hrss.replies.dead-letters", "literal")}


def test_a_principal_named_in_a_contract_owns_or_reads_as_itself(monkeypatch):
    """An agency writes the topic whose contract names it as owner (agency-loop's replies), without Create: the
    service that reads it creates it."""
    replies = contracts.topic.Topic("partner.hrss.replies", "agency-hrss", frozenset({"x"}), frozenset({"stations"}))
    monkeypatch.setitem(contracts.TOPICS, replies.name, replies)
    on_replies = {(a.user, a.operation) for a in acls(Settings()) if a.name == "partner.hrss.replies"}
    assert on_replies == {("agency-hrss", "Write"), ("agency-hrss", "Describe"),
                          ("svc-stations", "Read"), ("svc-stations", "Describe"), ("svc-stations", "Create")}


def test_no_service_holds_a_wildcard_or_a_cluster_right():
    for acl in acls(Settings()):
        assert acl.resource in ("topic", "group") and acl.name not in ("*", "", "xq.") , acl
    assert {a.user for a in acls(Settings()) if a.user.startswith("svc-")} == {principal(s) for s in SERVICES}
    assert all(isinstance(a, Acl) for a in acls(Settings()))
