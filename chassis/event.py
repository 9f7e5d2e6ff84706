"""The one way to declare a domain event:

    @event(CaseEvents.RATED)
    class CaseRated(Event):
        case_id: str
        ...

`@event` makes the class a frozen dataclass and gives it its stored type name (from contracts/). The codec
(chassis/codec.py) stores an event's fields in their declared order, so a field is never moved: add new ones
at the end, with a default, or declare a new versioned type with an upcaster.
"""
from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

from typing_extensions import dataclass_transform  # frozen_default: typing's own has it from Python 3.12


class Event:
    """A fact an aggregate recorded: immutable, named by a versioned type (`TYPE`, e.g.
    "xq.stations.case.rated.v1") under which it is stored in the event store and published on Kafka.
    Declared with `@event(type)`; a base holding fields several events share may derive from it too."""

    TYPE: ClassVar[str]
    if TYPE_CHECKING:  # set by the dataclass `@event` makes; declared so that `dataclasses.fields` takes any event
        __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]


E = TypeVar("E", bound=Event)


@dataclass_transform(frozen_default=True)
def event(type_name: str) -> Callable[[type[E]], type[E]]:
    """Declare `cls` a domain event stored as `type_name`: a frozen dataclass with `TYPE = type_name`.
    A blank type name, or a class given a second, different type, is refused when the module is imported."""
    if not type_name.strip():
        raise TypeError("an event's type name must not be blank")

    def declare(cls: type[E]) -> type[E]:
        own = cls.__dict__.get("TYPE")
        if own is not None and own != type_name:
            raise TypeError(f"{cls.__qualname__} is declared as event {own!r} and again as {type_name!r}")
        if own is not None and "__dataclass_fields__" in cls.__dict__:
            return cls  # the same declaration twice: nothing to add
        cls.TYPE = type_name
        return dataclasses.dataclass(frozen=True)(cls)

    return declare
