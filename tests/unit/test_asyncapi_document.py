"""The AsyncAPI document validates as the AsyncAPI CLI validated it: the AsyncAPI 3.0.0 JSON Schema of @asyncapi/specs
(the one the CLI used) plus the CLI parser's reference rules, in Python (tests/asyncapi/check.py), without Node.

The check can fail: every broken copy below is refused, each for the reason given.
"""
from __future__ import annotations

import copy
import shutil

import pytest
import yaml

from services.partners import asyncapi
from tests.asyncapi.check import problems

DOCUMENT = yaml.safe_load(asyncapi.ASYNCAPI.read_text(encoding="utf-8"))


def _first_operation(doc):
    return next(iter(doc["operations"].values()))


def _hrss(doc):
    return doc["channels"]["partner_hrss_youth"]


def test_the_asyncapi_document_is_valid():
    assert problems(asyncapi.ASYNCAPI) == []


def test_the_check_refuses_a_broken_document(tmp_path):
    """The check can fail: an operation on a channel that does not exist is an error."""
    doc = yaml.safe_load(asyncapi.ASYNCAPI.read_text(encoding="utf-8"))
    next(iter(doc["operations"].values()))["channel"] = {"$ref": "#/channels/nowhere"}
    shutil.copytree(asyncapi.SCHEMAS, tmp_path / "schemas")
    broken = tmp_path / "asyncapi.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True))
    assert problems(broken) != []


BROKEN = {
    "a message of another channel": (
        lambda doc: _first_operation(doc)["messages"].append({"$ref": "#/channels/registry_youth/messages/registry_event"}),
        "is not a message of its channel"),
    "an operation's channel written inline": (
        lambda doc: _first_operation(doc).__setitem__("channel", copy.deepcopy(_hrss(doc))),
        "its channel must be a $ref into #/channels/"),
    "a channel's server outside #/servers/": (
        lambda doc: _hrss(doc)["servers"].__setitem__(0, {"$ref": "#/components/securitySchemes/scram"}),
        "must be a $ref into #/servers/"),
    "a payload schema file that is missing": (
        lambda doc: doc["components"]["messages"]["erased_v1"]["payload"].__setitem__("$ref", "./schemas/nope.json"),
        "nope.json"),
    "a pointer into a schema file that points nowhere": (
        lambda doc: doc["components"]["messages"]["erased_v1"]["payload"].__setitem__(
            "$ref", "./schemas/xq.partner.youth.erased.v1.json#/properties/nowhere"), "points to nothing"),
    "a Kafka binding of the wrong type": (
        lambda doc: _hrss(doc)["bindings"]["kafka"].__setitem__("partitions", "three"),
        "/channels/partner_hrss_youth/bindings/kafka/partitions"),
    "a payload that is no JSON Schema": (
        lambda doc: doc["components"]["messages"]["registry_event"]["payload"].__setitem__("type", "nonsense"),
        "/components/messages/registry_event/payload/type"),
    "a link that is no URI": (
        lambda doc: doc["info"].__setitem__("externalDocs", {"url": "docs/PARTNERS.md"}), "is not a 'uri'"),
    "a field the specification does not know": (lambda doc: doc["info"].__setitem__("owner", "xinqing"), "/info"),
    "a required field missing": (lambda doc: doc["info"].pop("version"), "'version' is a required property"),
    "a $ref where no reference is allowed": (
        lambda doc: doc["info"].__setitem__("$ref", "#/components/schemas/cloudEventsHeaders"), "/info"),
    "another AsyncAPI version": (lambda doc: doc.__setitem__("asyncapi", "3.1.0"), "/asyncapi"),
    "an unknown security scheme type": (
        lambda doc: doc["components"]["securitySchemes"]["scram"].__setitem__("type", "scram"),
        "/components/securitySchemes/scram"),
    "a query in a channel address": (
        lambda doc: _hrss(doc).__setitem__("address", "partner.hrss.youth?x=1"), "no query"),
    "an address parameter that is not declared": (
        lambda doc: _hrss(doc).__setitem__("address", "partner.{agency}.youth"), "differ from the address's"),
}


@pytest.mark.parametrize("breakage", BROKEN, ids=list(BROKEN))
def test_the_check_refuses(breakage, tmp_path):
    edit, reason = BROKEN[breakage]
    doc = copy.deepcopy(DOCUMENT)
    edit(doc)
    shutil.copytree(asyncapi.SCHEMAS, tmp_path / "schemas")
    broken = tmp_path / "asyncapi.yaml"
    broken.write_text(yaml.safe_dump(doc, allow_unicode=True))
    found = problems(broken)
    assert any(reason in problem for problem in found), found


def test_the_check_refuses_a_repeated_key(tmp_path):
    broken = tmp_path / "asyncapi.yaml"
    text = asyncapi.ASYNCAPI.read_text(encoding="utf-8")
    broken.write_text(text.replace("asyncapi: 3.0.0\n", "asyncapi: 3.0.0\nasyncapi: 3.0.0\n"))
    assert any("duplicate key 'asyncapi'" in problem for problem in problems(broken))
