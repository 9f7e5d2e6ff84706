"""Survey-sheet rows → registration fields (pure)."""
from __future__ import annotations

from datetime import datetime

from xinqing.importer import to_request


def test_chinese_names_and_codes_are_mapped():
    row = to_request({"name": " 张三 ", "gender": "男", "birthDate": "2001/3/4", "mobile": 13600000001.0,
                      "district": "朝阳区", "subtype": "外卖骑手", "needs": "社保、法律", "consents": "是",
                      "idNumber": None})
    assert row == {"name": "张三", "gender": "MALE", "birthDate": "2001-03-04", "mobile": "13600000001",
                   "district": "110105", "subtype": "DELIVERY_RIDER", "youthType": "NEW_BUSINESS",
                   "needs": ["SOCIAL_SECURITY", "LEGAL"], "consents": ["REGISTRATION"], "channel": "IMPORT"}


def test_codes_pass_through_and_excel_dates_become_iso():
    row = to_request({"district": "110108", "subtype": "DESIGNER", "birthDate": datetime(1997, 7, 7),
                      "consents": "REGISTRATION, SHARE_WITH_AGENCY:HRSS"})
    assert row["district"] == "110108" and row["youthType"] == "INDEPENDENT_ART" and row["birthDate"] == "1997-07-07"
    assert row["consents"] == ["REGISTRATION", "SHARE_WITH_AGENCY:HRSS"]


def test_values_it_cannot_map_are_left_for_the_registry_to_refuse():
    row = to_request({"district": "上海", "consents": "否"})
    assert row["district"] == "上海" and row["consents"] == ["否"]


def test_the_error_file_is_for_its_owner_only(tmp_path):
    import stat

    from xinqing.importer import Report, write_errors

    path = tmp_path / "errors.csv"
    path.write_text("an old report")
    path.chmod(0o644)
    write_errors(path, Report(rows=1, invalid=[(2, "birthDate", "age_range", "登记对象须为 16–35 周岁（按登记日计算）")]))
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "age_range" in path.read_text(encoding="utf-8-sig") and "an old report" not in path.read_text()
