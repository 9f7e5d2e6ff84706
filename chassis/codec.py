"""Turns domain events (chassis/event.py: frozen dataclasses with a type name) into stored payloads and back.

A field declared with `personal()` is personal information: it never enters the public payload
(`data`, which is published); it is sealed with the subject's own key by a `Sealer` (the registry's
vault) and stored in `events.sealed`. Old event versions are upcast on read.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

import orjson
from pydantic import TypeAdapter

from .event import Event

if TYPE_CHECKING:
    from .db import Connection


def personal(**kwargs: Any) -> Any:
    """Mark a dataclass field as personal information (sealed, never published)."""
    return dataclasses.field(metadata={"personal": True}, **kwargs)


class Sealer(Protocol):
    """Seals personal bytes with the subject's key, bound to `place` (chassis/vault.py: event_place)."""

    async def seal(self, conn: Connection, subject: str, plaintext: bytes, place: str) -> bytes: ...
    async def unseal(self, conn: Connection, subject: str, sealed: bytes,
                     place: str) -> bytes | None: ...  # None: key destroyed


Upcaster = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]


class EventCodec:
    def __init__(self, *event_classes: type[Event], upcasters: dict[str, Upcaster] | None = None):
        self.by_type = {cls.TYPE: cls for cls in event_classes}
        self.adapters: dict[str, TypeAdapter[Any]] = {cls.TYPE: TypeAdapter(cls) for cls in event_classes}
        self.upcasters = upcasters or {}
        self.personal_fields = {
            cls.TYPE: {f.name for f in dataclasses.fields(cls) if f.metadata.get("personal")}
            for cls in event_classes
        }

    def has_personal(self, event: Any) -> bool:
        return bool(self.personal_fields[event.TYPE])

    def encode(self, event: Any) -> tuple[str, dict[str, Any], bytes | None]:
        """-> (type, public payload, personal payload as JSON bytes or None)."""
        everything = self.adapters[event.TYPE].dump_python(event, mode="json")
        secret = self.personal_fields[event.TYPE]
        public = {k: v for k, v in everything.items() if k not in secret}
        private = {k: everything[k] for k in secret if everything.get(k) is not None}
        return event.TYPE, public, (orjson.dumps(private) if private else None)

    def decode(self, event_type: str, data: dict[str, Any], personal_json: bytes | None = None) -> Any:
        while event_type in self.upcasters:
            event_type, data = self.upcasters[event_type](data)
        fields = dict(data)
        if personal_json:
            fields.update(orjson.loads(personal_json))
        return self.adapters[event_type].validate_python(fields)

    def erased_placeholder(self, event_type: str) -> dict[str, Any]:
        """Personal fields of a subject whose key is destroyed read as None."""
        return {name: None for name in self.personal_fields.get(event_type, ())}
