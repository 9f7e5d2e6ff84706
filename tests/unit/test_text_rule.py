"""The chassis text rule (chassis/text.py) and its two applications that need no server: ApiModel's field
check and the gateway's String-argument check."""
from __future__ import annotations

import pydantic
import pytest
from graphql import GraphQLInputField, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, GraphQLString

from chassis.http import ApiModel
from chassis.text import text_fault
from gateway.ids import text_errors


@pytest.mark.parametrize("value", ["", " ", "\t\n", "\u3000", "\u3000 \u2028", "\u200b", "\ufeff\u2060",
                                   "\u00ad", " \u200e\u200f ", "\u3164", "\u2800", "\u200d"])
def test_blank_text_is_refused(value):
    """Nothing visible is blank: zero-width spaces, the BOM, a soft hyphen, direction marks, fillers."""
    fault = text_fault(value)
    assert fault is not None and fault.rule == "blank" and "空" in fault.message


@pytest.mark.parametrize("value", ["a\x00", "a\x1b[31m", "a\x7f", "a\x85", "a\x0c", "a\u202e", "a\u2066b",
                                   "a\ud800"])
def test_control_characters_are_refused_even_in_multi_line_text(value):
    for multiline in (False, True):
        fault = text_fault(value, multiline=multiline)
        assert fault is not None and fault.rule == "control", (value, multiline)


@pytest.mark.parametrize("value", ["一行\n两行", "a\r\nb", "a\tb", "a\u2028b"])
def test_line_breaks_and_tabs_only_in_multi_line_text(value):
    assert text_fault(value, multiline=True) is None
    fault = text_fault(value)
    assert fault is not None and fault.rule == "control" and "换行" in fault.message


@pytest.mark.parametrize("value", ["张三", " 前后空白 ", "𠈌䶮", "小明🚴\u200d♀️", "🏴\U000e0067\U000e0062\U000e007f",
                                   "'); DROP TABLE youth;--", "Zoe\u0308", "a\u200fb", "\u200b张三",
                                   "\ufeff王"])
def test_ordinary_text_passes(value):
    assert text_fault(value) is None  # ZWJ (emoji), tag characters (flags), a right-to-left mark are fine


def test_the_message_names_no_value():
    assert "秘密" not in text_fault("秘密\x1b").message


class Item(ApiModel):
    title: str
    text: str = ""


class Body(ApiModel):
    name: str
    summary: str
    note: str | None = None
    tags: list[str] = []
    items: list[Item] = []


GOOD = {"name": "张三", "summary": "第一行\n第二行"}


def errors(data: dict) -> list[tuple[tuple, str]]:
    with pytest.raises(pydantic.ValidationError) as refused:
        Body.model_validate(data)
    return [(e["loc"] + ((e["ctx"]["at"],) if e.get("ctx") else ()), e["type"]) for e in refused.value.errors()]


def test_api_model_refuses_bad_text_in_every_field_at_any_depth():
    assert Body.model_validate(GOOD).summary == "第一行\n第二行"  # a summary is multi-line free text
    assert Body.model_validate({**GOOD, "note": None}).note is None  # null / absent optional text is fine
    assert errors({**GOOD, "name": " "}) == [(("name",), "blank")]
    assert errors({**GOOD, "name": "张\n三"}) == [(("name",), "control")]
    assert errors({**GOOD, "note": ""}) == [(("note",), "blank")]  # omit it instead
    assert errors({**GOOD, "tags": ["a", "\x00"]}) == [(("tags", ".1"), "control")]
    assert errors({**GOOD, "items": [{"title": "t", "text": "a\nb"}, {"title": "\u202e"}]}) == [
        (("items", 1, "title"), "control")]


TYPE = GraphQLInputObjectType("In", {"name": GraphQLInputField(GraphQLNonNull(GraphQLString)),
                                     "note": GraphQLInputField(GraphQLString),
                                     "tags": GraphQLInputField(GraphQLList(GraphQLString))})


def test_the_gateway_checks_string_arguments_and_input_fields():
    found = list(text_errors(GraphQLNonNull(TYPE), {"name": " ", "note": "a\nb", "tags": ["x", "\x1b"]}, "input"))
    assert [(e.field, e.rule) for e in found] == [("input.name", "blank"), ("input.tags.1", "control")]
    assert list(text_errors(GraphQLString, None, "q")) == []
    assert [(e.field, e.rule) for e in text_errors(GraphQLString, "a\u202e", "q")] == [("q", "control")]
