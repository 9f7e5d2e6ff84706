import pytest

from chassis.errors import ValidationFailed
from gateway.schema.pagination import MAX_PAGE_SIZE, connection, decode_cursor, encode_cursor, page_args


def test_cursor_round_trip():
    assert decode_cursor(encode_cursor(["2026-01-01", "id-1"])) == ["2026-01-01", "id-1"]


@pytest.mark.parametrize("first", [0, -1, MAX_PAGE_SIZE + 1])
def test_page_size_is_bounded(first):
    with pytest.raises(ValidationFailed) as refused:
        page_args(first, None)
    assert refused.value.errors[0].field == "first"


def test_a_forged_cursor_is_a_validation_error():
    with pytest.raises(ValidationFailed) as refused:
        page_args(10, "not-a-cursor!")
    assert refused.value.errors[0].field == "after"


def test_connection_uses_the_extra_row_only_to_say_more_exist():
    rows = [{"k": i} for i in range(4)]
    page = connection(rows, 3, node=lambda r: r["k"], key=lambda r: [r["k"]])
    assert page.nodes == [0, 1, 2] and page.page_info.has_next_page
    assert decode_cursor(page.page_info.end_cursor) == [2]
    last = connection(rows[:2], 3, node=lambda r: r["k"], key=lambda r: [r["k"]])
    assert not last.page_info.has_next_page
