"""`@event(type)` (chassis/event.py): a frozen dataclass with its stored type, fields in declared order;
a blank or a second, different type name is refused when the class is declared."""
from __future__ import annotations

import dataclasses

import pytest

from chassis.codec import EventCodec
from chassis.event import Event, event


@dataclasses.dataclass(frozen=True)
class Facts:
    station_id: str
    name: str


@event("xq.test.station.created.v1")
class Created(Facts, Event):
    opened: bool = True


def test_an_event_is_a_frozen_dataclass_named_by_its_type_with_its_base_fields_first():
    created = Created("s-1", "青年之家")
    assert Created.TYPE == "xq.test.station.created.v1"
    assert [f.name for f in dataclasses.fields(Created)] == ["station_id", "name", "opened"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        created.name = "x"  # type: ignore[misc]
    codec = EventCodec(Created)
    assert codec.encode(created) == (Created.TYPE, {"station_id": "s-1", "name": "青年之家", "opened": True}, None)
    assert codec.decode(Created.TYPE, {"station_id": "s-1", "name": "青年之家", "opened": True}) == created


@pytest.mark.parametrize("blank", ["", "   ", "\u3000"])
def test_a_blank_type_name_is_refused(blank: str):
    with pytest.raises(TypeError, match="blank"):
        event(blank)


def test_a_class_declared_twice_with_different_types_is_refused():
    with pytest.raises(TypeError, match="'xq.test.a.v1' and again as 'xq.test.b.v1'"):
        @event("xq.test.b.v1")
        @event("xq.test.a.v1")
        class Twice(Event):
            amount: int


def test_the_same_declaration_twice_changes_nothing():
    @event("xq.test.a.v1")
    @event("xq.test.a.v1")
    class Once(Event):
        amount: int

    assert Once.TYPE == "xq.test.a.v1" and Once(3).amount == 3


def test_a_subclass_of_an_event_gets_its_own_type():
    @event("xq.test.more.v1")
    class More(Created):
        extra: int = 0

    assert (More.TYPE, Created.TYPE) == ("xq.test.more.v1", "xq.test.station.created.v1")
