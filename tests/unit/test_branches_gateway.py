"""Pure parts of the branches GraphQL schema and read model: cursors, quarters, shares."""
from __future__ import annotations

from datetime import date

import pytest

from chassis.errors import ValidationFailed
from gateway.schema.branches.dashboard import check_quarter, share
from gateway.schema.pagination import checked_cursor as cursor
from gateway.tables.branches import quarter_bounds


@pytest.mark.parametrize("key, size, dated", [
    ([1, 2, 3], 3, False), (["a"], 3, False), (["not-a-date", "x"], 2, True), (["a", "b", "c", "d"], 3, False)])
def test_a_forged_cursor_is_bad_input_naming_after(key, size, dated):
    with pytest.raises(ValidationFailed) as exc:
        cursor(key, size, dated=dated)
    assert exc.value.errors[0].field == "after"


def test_a_well_formed_cursor_passes():
    assert cursor(["2026-11-29", "y1"], 2, dated=True) == ["2026-11-29", "y1"]
    assert cursor(None, 3) is None


@pytest.mark.parametrize("quarter, bounds", [
    ("2026-Q1", (date(2026, 1, 1), date(2026, 3, 31))), ("2026-Q4", (date(2026, 10, 1), date(2026, 12, 31))),
    ("2024-Q1", (date(2024, 1, 1), date(2024, 3, 31)))])
def test_quarter_bounds(quarter, bounds):
    assert quarter_bounds(quarter) == bounds


@pytest.mark.parametrize("bad", ["2026-Q5", "2026Q1", "Q1-2026", "2026-q1"])
def test_a_bad_quarter_names_the_field(bad):
    with pytest.raises(ValidationFailed) as exc:
        check_quarter(bad)
    assert exc.value.errors[0].field == "quarter"


def test_share_of_nothing_is_zero():
    assert share(0, 0) == 0.0 and share(2, 3) == 0.6667
