"""contracts/ is the one list of topics and event types: producers write exactly what they declare
there, consumers handle only what producers declare, and every partner message has its JSON Schema."""
from __future__ import annotations

import base64
import dataclasses
import os
from importlib import import_module
from pathlib import Path

import pytest

import contracts
from chassis.eventstore import EventStore
from chassis.service import Runtime
from chassis.settings import Settings
from contracts.partners import PARTNER_TYPES

ROOT = Path(__file__).resolve().parents[2]
APPS = {"registry": "services.registry.app", "branches": "services.branches.app", "stations": "services.stations.app",
        "partners": "services.partners.app", "gateway": "gateway.app"}


KEY = base64.b64encode(os.urandom(32)).decode()


def settings() -> Settings:
    return Settings(master_key=KEY, blind_index_key=KEY, partner_key=KEY)


def built(name: str):
    return import_module(APPS[name]).create_app(settings())


def event_stores(deps) -> list[EventStore]:
    """Every EventStore a service's dependencies hold (directly, in a dict or in a dataclass of stores)."""
    found, todo = [], [deps]
    while todo:
        item = todo.pop()
        if isinstance(item, EventStore):
            found.append(item)
        elif isinstance(item, dict):
            todo.extend(item.values())
        elif dataclasses.is_dataclass(item) and not isinstance(item, type):
            todo.extend(getattr(item, f.name) for f in dataclasses.fields(item))
    return found


@pytest.mark.parametrize("service", ["registry", "branches", "stations"])
def test_a_producer_writes_exactly_the_types_it_declares(service: str):
    stores = event_stores(built(service).state.deps)
    assert stores, f"{service} holds no event store"
    for store in stores:
        declared = contracts.TOPICS[store.topic]
        assert declared.owner == service
        assert set(store.codec.by_type) == declared.types, store.topic


def test_every_declared_topic_has_its_producer():
    written = {s.topic for name in ("registry", "branches", "stations") for s in event_stores(built(name).state.deps)}
    by_agencies = {t.name for t in contracts.TOPICS.values() if t.owner.startswith("agency-")}
    assert written == set(contracts.TOPICS) - by_agencies and by_agencies  # agencies write their replies


def test_every_partner_topic_names_its_readers():
    """The ACLs follow owner and readers: an agency reads its referrals and dead letters, writes its replies."""
    topics = contracts.TOPICS
    assert topics["partner.hrss.replies"].owner == "agency-hrss"
    assert topics["partner.hrss.replies"].readers == {"stations"}
    assert topics["partner.hrss.referrals"].owner == "stations"
    assert topics["partner.hrss.referrals"].readers == {"agency-hrss"}
    assert "agency-hrss" in topics["partner.hrss.replies.dead-letters"].readers


@pytest.mark.parametrize("service", list(APPS))
def test_a_consumer_handles_only_declared_types(service: str):
    app, config = built(service), settings()
    runtime = Runtime(service, config, pool=None, verifier=None, deps=app.state.deps)  # type: ignore[arg-type]
    for projection in app.state.projections(runtime):
        assert projection.handles, f"{projection.name} declares no event type it handles"
        contracts.require_declared(projection.name, [config.bare_topic(t) for t in projection.topics],
                                   projection.handles)


def test_a_consumer_of_an_undeclared_type_is_refused():
    with pytest.raises(contracts.ContractError, match="xq.registry.youth.registred.v1"):
        contracts.require_declared("misspelled", ["xq.registry.youth"],
                                   [contracts.registry.YouthEvents.REGISTERED, "xq.registry.youth.registred.v1"])
    with pytest.raises(contracts.ContractError, match="not declared"):
        contracts.declared_types(["xq.registry.people"])


def test_every_partner_message_type_has_a_schema():
    schemas = {p.stem for p in (ROOT / "deploy" / "contracts" / "schemas").glob("*.json")}
    assert schemas == set(PARTNER_TYPES)


def test_event_type_names_follow_the_convention():
    """xq.<service>.<aggregate>.<event>.v<n>, on the topic xq.<service>.<aggregate>."""
    for topic in contracts.TOPICS.values():
        if topic.name.startswith("partner."):
            continue  # partner messages: xq.partner.<kind>.<message>.v<n> (test_partners_contracts.py)
        for event_type in topic.types:
            head, _, version = event_type.rpartition(".")
            assert head.rpartition(".")[0] == topic.name and version.startswith("v"), event_type


def test_each_topic_declares_exactly_the_services_that_consume_it():
    """The readers in contracts/ are the broker's ACLs (xinqing/kafka_acls.py): a consumer missing from them
    would be refused by the broker, a reader that consumes nothing would hold a right it does not use."""
    consumed: dict[str, set[str]] = {name: set() for name in contracts.TOPICS}
    for service in APPS:
        app, config = built(service), settings()
        runtime = Runtime(service, config, pool=None, verifier=None, deps=app.state.deps)  # type: ignore[arg-type]
        for consumer in [*app.state.projections(runtime), *app.state.consumers(runtime)]:
            for topic in consumer.topics:
                consumed[config.bare_topic(topic)].add(service)
    assert {name: set(t.readers) & set(APPS) for name, t in contracts.TOPICS.items()} == consumed


def test_a_consumer_its_topic_does_not_list_is_refused():
    with pytest.raises(contracts.ContractError, match="xq.registry.youth"):
        contracts.require_reader("registry", "registry.echo", ["xq.registry.youth"])
    contracts.require_reader("gateway", "gateway.youth", ["xq.registry.youth"])
