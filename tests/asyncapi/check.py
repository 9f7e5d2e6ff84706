"""Checks an AsyncAPI 3.0 document as `asyncapi validate --fail-severity=error` did, in Python, without Node.

The CLI (@asyncapi/cli 3.6 → @asyncapi/parser 3.6, Spectral rules) failed a document on these errors, and so does
`problems()` here:
- the YAML does not parse, or repeats a key;
- a `$ref` does not resolve, inside the document (a JSON pointer) or to a file beside it (`./schemas/x.json`);
- the document as written does not validate against the AsyncAPI 3.0.0 JSON Schema (so a `$ref` only where the
  specification allows a Reference Object), or does not validate again with every `$ref` replaced by its target
  (payloads, headers and Kafka bindings are then checked as what they point to);
- an operation's channel is not a `$ref` into `#/channels/`, or it lists a message that is not its channel's;
- a channel's server is not a `$ref` into `#/servers/`;
- a channel id or address has a `?` or `#`, or its `{parameters}` differ from the channel's `parameters`.

The schema is `schemas/3.0.0.json` of the npm package @asyncapi/specs 6.11.1, the version the CLI used, committed
beside this file (see README.md there for how to take a newer one).
"""
from __future__ import annotations

import copy
import functools
import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import jsonschema
import yaml

SCHEMA_FILE = Path(__file__).with_name("asyncapi-3.0.0.schema.json")
DEFINITIONS = "http://asyncapi.com/definitions/3.0.0/"


def problems(path: Path) -> list[str]:
    """Every error the check finds in the AsyncAPI document at `path`; empty when it is valid."""
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
    except yaml.YAMLError as error:
        return [f"YAML: {error}"]
    found: list[str] = []
    resolved = _Resolver(path.parent.resolve(), found).resolve(document, document, path.resolve(), ())
    found += _schema_errors(document, _schema(resolved=False), "as written")
    found += _schema_errors(resolved, _schema(resolved=True), "with $refs resolved")
    found += _reference_rules(document)
    return list(dict.fromkeys(found))  # a $ref used in many places is one error


class _UniqueKeyLoader(yaml.SafeLoader):
    """A YAML mapping that repeats a key is an error (PyYAML would keep the last value in silence)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


class _Resolver:
    """Replaces every `{"$ref": …}` by its target, recording the ones that point nowhere."""

    def __init__(self, folder: Path, found: list[str]):
        self.folder = folder
        self.found = found

    def resolve(self, node: Any, document: Any, file: Path, trail: tuple[str, ...]) -> Any:
        if isinstance(node, list):
            return [self.resolve(item, document, file, trail) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return {key: self.resolve(value, document, file, trail) for key, value in node.items()}
        where, _, pointer = ref.partition("#")
        target_file = (file.parent / where).resolve() if where else file
        key = f"{target_file}#{pointer}"
        if key in trail:
            self.found.append(f"$ref {ref}: circular")
            return node
        target_document = document if not where else self._load(target_file, ref)
        if target_document is _MISSING:
            return node
        target = _follow(target_document, pointer)
        if target is _MISSING:
            self.found.append(f"$ref {ref} (in {file.name}): points to nothing")
            return node
        return self.resolve(copy.deepcopy(target), target_document, target_file, (*trail, key))

    def _load(self, file: Path, ref: str) -> Any:
        try:
            return json.loads(file.read_text(encoding="utf-8")) if file.suffix == ".json" \
                else yaml.load(file.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)
        except (OSError, ValueError, yaml.YAMLError) as error:
            self.found.append(f"$ref {ref}: {error}")
            return _MISSING


_MISSING = object()


def _follow(document: Any, pointer: str) -> Any:
    """The node at a JSON pointer (RFC 6901, URI-escaped as in a $ref), or _MISSING."""
    node = document
    for token in pointer.split("/")[1:] if pointer else []:
        token = unquote(token).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and token in node:
            node = node[token]
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return _MISSING
    return node


@functools.cache
def _schema(resolved: bool) -> jsonschema.Draft7Validator:
    """The AsyncAPI 3.0.0 schema, adjusted as the parser adjusts it (documentStructure.ts in @asyncapi/parser)."""
    schema = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    definitions = schema["definitions"]
    # A $ref such as `#/channels/a[0]` is a valid JSON pointer but not an RFC 3986 URI: the parser drops the format.
    definitions[DEFINITIONS + "ReferenceObject.json"].pop("format", None)
    if resolved:
        # Where the specification allows only a Reference Object, a resolved document holds its target instead.
        channel, operation, reply = (definitions[DEFINITIONS + name] for name in
                                     ("channel.json", "operation.json", "operationReply.json"))
        channel["properties"]["servers"]["items"]["$ref"] = DEFINITIONS + "server.json"
        for holder in (operation, reply):
            holder["properties"]["channel"]["$ref"] = DEFINITIONS + "channel.json"
            holder["properties"]["messages"]["items"]["$ref"] = DEFINITIONS + "messageObject.json"
    # Every format jsonschema knows (uri needs rfc3986-validator), as the parser checks them all (ajv-formats).
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())


def _schema_errors(document: Any, validator: jsonschema.Draft7Validator, state: str) -> list[str]:
    found = []
    for error in validator.iter_errors(document):
        cause = jsonschema.exceptions.best_match([error])  # inside a oneOf/anyOf: the branch's own error
        found.append(f"/{'/'.join(map(str, cause.absolute_path))} ({state}): {cause.message[:300]}")
    return found


def _reference_rules(document: Any) -> list[str]:
    """The parser's AsyncAPI 3 core rules (ruleset/v3/ruleset.ts), read on the document as written."""
    if not isinstance(document, dict):
        return []
    found = []
    for name, operation in _mapping(document.get("operations")).items():
        channel = _ref(operation.get("channel"))
        if not re.search(r"#/channels/", channel):
            found.append(f"operation {name}: its channel must be a $ref into #/channels/, not {channel!r}")
    for name, operation in [*_mapping(document.get("operations")).items(),
                            *_mapping(_mapping(document.get("components")).get("operations")).items()]:
        channel = _ref(operation.get("channel"))
        for message in operation.get("messages") or []:
            if not _ref(message).startswith(f"{channel}/messages"):
                found.append(f"operation {name}: message {_ref(message)!r} is not a message of its channel {channel!r}")
    for name, channel in _mapping(document.get("channels")).items():
        for server in channel.get("servers") or []:
            if not re.search(r"#/servers/", _ref(server)):
                found.append(f"channel {name}: server {_ref(server)!r} must be a $ref into #/servers/")
        address = channel.get("address") or ""
        if re.search(r"[?#]", name) or re.search(r"[?#]", address):
            found.append(f"channel {name}: a channel id or address has no query ('?') or fragment ('#')")
        in_address = set(re.findall(r"{(.+?)}", address))
        declared = set(_mapping(channel.get("parameters")))
        if in_address != declared:
            found.append(f"channel {name}: parameters {sorted(declared)} differ from the address's {sorted(in_address)}")
    for name, channel in _mapping(_mapping(document.get("components")).get("channels")).items():
        if set(re.findall(r"{(.+?)}", channel.get("address") or "")) != set(_mapping(channel.get("parameters"))):
            found.append(f"components channel {name}: its parameters differ from its address's")
    return found


def _mapping(node: Any) -> dict[str, Any]:
    return {key: value for key, value in node.items() if isinstance(value, dict)} if isinstance(node, dict) else {}


def _ref(node: Any) -> str:
    ref = node.get("$ref") if isinstance(node, dict) else None
    return ref if isinstance(ref, str) else ""
