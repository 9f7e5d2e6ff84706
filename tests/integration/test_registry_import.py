"""Bulk import of survey sheets (CSV and XLSX) through the registry's batch endpoint, on real PostgreSQL."""
from __future__ import annotations

import csv
from datetime import date, datetime

import httpx
from openpyxl import Workbook

from tests.registry_support import id_number
from tests.support import bearer, service_db
from xinqing.importer import import_rows, read_rows, write_errors

HEADER = ["姓名", "性别", "出生日期", "手机号", "身份证号", "区县", "细分类型", "工作单位", "需求", "同意"]


def sheet_rows() -> tuple[list[list], dict[int, str]]:
    """Good rows and bad ones; returns the rows and, for each bad line, the field the registry must name."""
    good_id = id_number(date(2000, 2, 1), "FEMALE")
    rows = [
        ["张三", "男", "2001-03-04", "13600000001", "", "朝阳区", "外卖骑手", "美团", "社保", "是"],
        ["李四", "女", "2000-02-01", "+86 136 0000 0002", good_id, "110108", "DESIGNER", "", "CAREER、STUDY", "是"],
        ["王五", "男", "2001-03-04", "13600000003", "110105200103040014", "朝阳", "快递员", "顺丰", "", "是"],  # check digit
        ["赵六", "男", f"{date.today().year - 15}-12-31", "13600000004", "", "朝阳区", "快递员", "", "", "是"],   # 15
        ["钱七", "女", "1999-09-09", "1360000", "", "海淀区", "主播", "", "", "是"],                            # mobile
        ["孙八", "女", "1999-09-09", "13600000006", "", "海淀区", "主播", "", "", "否"],                         # consent
        ["周九", "男", "1998-01-01", "13600000001", "", "丰台区", "网约车司机", "", "", "是"],                   # dup of line 2
        ["吴十", "男", "1998/1/2", "13600000008", "", "上海", "网约车司机", "", "", "是"],                      # district
    ]
    bad = {4: "idNumber", 5: "birthDate", 6: "mobile", 7: "consents", 9: "district"}
    return rows, bad


async def run_import(registry, path, token, concurrency=1):
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=registry.app), base_url="http://registry",
                               headers=bearer(token), timeout=60)
    async with client:
        total, rows = read_rows(path)
        seen = []
        report = await import_rows(client, rows, chunk=3, concurrency=concurrency,
                                   progress=lambda so_far: seen.append(so_far.rows))
    assert seen == sorted(seen)  # the rows done so far, after each chunk
    return total, report, seen[-1]


async def test_csv_import_reports_bad_rows_imports_good_ones_and_is_idempotent(registry, settings, token, tmp_path):
    rows, bad = sheet_rows()
    path = tmp_path / "survey.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    op = token("registry_operator")
    total, report, progressed = await run_import(registry, path, op)
    assert total == progressed == report.rows == 8
    assert (report.created, report.already) == (2, 1), report  # line 8 repeats line 2's mobile
    assert {line: field for line, field, *_ in report.invalid} == bad
    assert all(message for *_, message in report.invalid)
    errors = tmp_path / "errors.csv"
    write_errors(errors, report)
    written = list(csv.reader(errors.open(encoding="utf-8-sig")))
    assert written[0] == ["行号", "字段", "规则", "原因"] and {r[0] for r in written[1:]} == {str(n) for n in bad}
    # No value of a row in it (birth date, ID number, mobile, the age of the 15-year-old), and for its owner only.
    text = errors.read_text(encoding="utf-8-sig")
    assert not [v for row in rows for v in (row[2], row[3], row[4]) if v and v in text] and "计算为" not in text
    assert errors.stat().st_mode & 0o777 == 0o600

    again = (await run_import(registry, path, op, concurrency=3))[1]  # chunks in parallel: still nothing twice
    assert (again.created, again.already, again.invalid_rows) == (0, 3, 5)

    async with service_db(settings, "registry") as conn:
        assert await conn.fetchval("SELECT count(*) FROM events") == 2
        assert await conn.fetchval("SELECT count(*) FROM audit WHERE action = 'IMPORT'") == 2
    found = await registry.post("/youth:search", json={"mobile": "13600000002"}, headers=bearer(op))
    [li] = found.json()["items"]
    assert li["name"] == "李四" and li["subtype"] == "DESIGNER" and li["idNumber"].count("*") == 8
    # The imported event is sealed with the key the batch created: read back from the event stream.
    profile = (await registry.get(f"/youth/{li['id']}", headers=bearer(op))).json()
    assert (profile["name"], profile["birthDate"], profile["needs"]) == ("李四", "2000-02-01", ["CAREER", "STUDY"])
    by_employer = await registry.post("/youth:search", json={"employer": "美团"}, headers=bearer(op))
    assert [i["name"] for i in by_employer.json()["items"]] == ["张三"]


async def test_xlsx_import_with_excel_types(registry, token, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["郑一", "女", datetime(1997, 7, 7), 13600000101, None, "通州区", "摄影师", None, None, "是"])
    sheet.append(["郑二", "女", datetime(1997, 7, 8), 13600000102, None, "通州区", "PHOTOGRAPHER", None, None, "REGISTRATION"])
    sheet.append(["郑三", "女", "not a date", 13600000103, None, "通州区", "摄影师", None, None, "是"])
    path = tmp_path / "survey.xlsx"
    book.save(path)
    total, report, _ = await run_import(registry, path, token("registry_operator"))
    assert total == 3 and report.created == 2
    assert [(line, field) for line, field, *_ in report.invalid] == [(4, "birthDate")]


async def test_a_district_operator_imports_only_into_its_district(registry, token, tmp_path):
    path = tmp_path / "other.csv"
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        csv.writer(f).writerows([HEADER, ["冯一", "男", "2001-03-04", "13600000201", "", "朝阳区", "快递员", "", "", "是"]])
    _, report, _ = await run_import(registry, path, token("registry_operator", "110108"))
    assert report.created == 0 and report.invalid[0][0] == 2 and report.invalid[0][2] == "FORBIDDEN"


def test_unsupported_file_types_are_refused(tmp_path):
    path = tmp_path / "survey.ods"
    path.write_text("x")
    try:
        read_rows(path)
    except ValueError as exc:
        assert ".csv" in str(exc)
    else:
        raise AssertionError("an .ods file was accepted")


async def test_a_duplicate_in_another_district_is_reported_without_its_id(registry, token):
    """As on the single path: a district operator learns that the mobile is taken, not whose record it is."""
    from tests.registry_support import person

    someone = person(district="110105")
    existing = (await registry.post("/youth", json=someone, headers=bearer(token()))).json()["id"]
    row = {"line": 2, "data": {**person(district="110108"), "mobile": someone["mobile"]}}
    elsewhere = await registry.post("/youth:batch", json={"rows": [row]},
                                    headers=bearer(token("registry_operator", "110108")))
    [result] = elsewhere.json()["results"]
    assert result["status"] == "DUPLICATE" and "id" not in result, result
    assert existing not in elsewhere.text
    row["data"]["district"] = "110105"
    own = await registry.post("/youth:batch", json={"rows": [row]}, headers=bearer(token("registry_operator", "110105")))
    assert own.json()["results"][0] == {"line": 2, "status": "DUPLICATE", "id": existing}


async def test_a_batch_rows_text_is_stored_nfc_and_blank_text_is_refused_per_row(registry, token):
    """Each row is brought to NFC once, as the registration body it is (not again by the batch around it)."""
    from tests.registry_support import person

    op = token("registry_operator")
    rows = [{"line": 2, "data": person(name="Zoe\u0308 Lu\u0308\u030c", employer="Cafe\u0301")},
            {"line": 3, "data": person(wechat="  ")}]
    answer = (await registry.post("/youth:batch", json={"rows": rows, "purpose": "Cafe\u0301 导入"},
                                  headers=bearer(op))).json()
    created, blank = answer["results"]
    assert created["status"] == "CREATED" and blank["status"] == "INVALID"
    assert [e["field"] for e in blank["errors"]] == ["wechat"]
    profile = (await registry.get(f"/youth/{created['id']}", headers=bearer(op))).json()
    assert (profile["name"], profile["employer"]) == ("Zo\u00eb L\u01da", "Caf\u00e9")
