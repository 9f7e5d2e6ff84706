"""chassis/checks.py: the field checks deciders share name the field, the rule and what is allowed."""
from __future__ import annotations

from enum import StrEnum

from chassis import checks
from chassis.errors import Collector


class Colour(StrEnum):
    RED = "RED"
    BLUE = "BLUE"


def test_one_of_names_the_field_and_every_allowed_value_and_lets_an_absent_value_pass():
    errors = Collector()
    assert checks.one_of(errors, "colour", "RED", Colour, "颜色")
    assert checks.one_of(errors, "colour", None, Colour, "颜色")
    assert not checks.one_of(errors, "colour", "GREEN", Colour, "颜色")
    assert not checks.one_of(errors, "agency", "X", {"HRSS": "人力社保局", "UNION": "总工会"}, "机构代码")
    assert [(e.field, e.rule, e.message) for e in errors.errors] == [
        ("colour", "enum", "颜色无效：应为 RED、BLUE 之一"), ("agency", "enum", "机构代码无效：应为 HRSS、UNION 之一")]


def test_district_takes_a_beijing_code_only():
    errors = Collector()
    assert checks.district(errors, "110105")
    assert not checks.district(errors, "310101", "assignee")
    assert [(e.field, e.rule) for e in errors.errors] == [("assignee", "enum")]


def test_text_refuses_blank_control_characters_and_overlong_text_naming_the_field():
    errors = Collector()
    assert checks.text(errors, " 青年之家 ", "name", "名称", 5)
    assert not checks.text(errors, "   ", "name", "名称")
    assert not checks.text(errors, "a\x1bb", "name", "名称")
    assert not checks.text(errors, "一二三四五六", "name", "名称", 5)
    assert [(e.field, e.rule) for e in errors.errors] == [("name", "blank"), ("name", "control"), ("name", "too_long")]
    assert errors.errors[-1].message == "名称不能超过 5 个字符"
