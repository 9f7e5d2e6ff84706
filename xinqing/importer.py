"""Bulk import of youth from survey sheets (CSV or XLSX) through the registry's batch endpoint.

Columns may be named in English (the API's camelCase) or in Chinese (姓名、性别、出生日期、手机号、身份证号、
微信号、区县、青年类型、细分类型、工作单位、单位类型、学历、需求、同意、登记日期). 登记日期 (registeredOn) is the
day the person filled in the survey: kept as their registration date (not after today, not before they were
16); without it, the day of the import. District, type and subtype accept the
code or the name on screen (朝阳区 / 110105, 外卖骑手 / DELIVERY_RIDER); 性别 accepts 男/女. The registry
validates every row; rows it refuses are written to an error file with their line number and reasons.
Re-running the same file is harmless: rows already registered come back as duplicates (already imported).
"""
from __future__ import annotations

import asyncio
import csv
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import httpx

from chassis.reference import DISTRICTS, SUBTYPES, YOUTH_TYPES
from chassis.retry import retrying_while

HEADERS = {
    "姓名": "name", "性别": "gender", "出生日期": "birthDate", "手机号": "mobile", "手机": "mobile",
    "身份证号": "idNumber", "身份证号码": "idNumber", "微信号": "wechat", "区县": "district", "区": "district",
    "青年类型": "youthType", "类型": "youthType", "细分类型": "subtype", "工作单位": "employer", "平台": "employer",
    "单位类型": "employerKind", "学历": "education", "需求": "needs", "同意": "consents", "同意用途": "consents",
    "告知书版本": "noticeVersion", "登记日期": "registeredOn", "填表日期": "registeredOn", "填报日期": "registeredOn",
}
FIELDS = {"name", "gender", "birthDate", "mobile", "idNumber", "wechat", "district", "youthType", "subtype",
          "employer", "employerKind", "education", "needs", "consents", "noticeVersion", "channel", "registeredOn"}
DATES = ("birthDate", "registeredOn")
BY_NAME = {**{v: k for k, v in DISTRICTS.items()}, **{v[:-1]: k for k, v in DISTRICTS.items()},
           **{v: k for k, v in YOUTH_TYPES.items()}, **{v[1]: k for k, v in SUBTYPES.items()},
           "男": "MALE", "女": "FEMALE"}
NEEDS = {"社保": "SOCIAL_SECURITY", "社会保障": "SOCIAL_SECURITY", "规划": "CAREER", "职业规划": "CAREER",
         "职业发展": "CAREER", "法律": "LEGAL", "法律帮助": "LEGAL", "学习": "STUDY", "学历提升": "STUDY"}
YES = {"是", "同意", "y", "yes", "true", "1", "√"}
SPLIT = re.compile(r"[,，;；、|\s]+")


@dataclass
class Report:
    rows: int = 0
    created: int = 0
    already: int = 0
    invalid: list[tuple[int, str, str, str]] = field(default_factory=list)  # line, field, rule, message

    @property
    def invalid_rows(self) -> int:
        return len({line for line, *_ in self.invalid})


def read_rows(path: Path) -> tuple[int, Iterator[tuple[int, dict]]]:
    """(number of data rows, iterator of (line number, row as API fields)); line 1 is the header."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            total = max(sum(1 for _ in csv.reader(f)) - 1, 0)
        return total, _csv(path)
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return max((sheet.max_row or 1) - 1, 0), _xlsx(book)
    raise ValueError(f"只支持 .csv 和 .xlsx 文件，而不是 {path.suffix or '无扩展名'}")


def _columns(header: list) -> list[str | None]:
    out = []
    for h in header:
        name = str(h or "").strip()
        out.append(HEADERS.get(name) or (name if name in FIELDS else None))
    return out


def _csv(path: Path) -> Iterator[tuple[int, dict]]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(f)
        columns = _columns(next(reader, []))
        for line, values in enumerate(reader, start=2):
            if any(v.strip() for v in values):
                yield line, to_request(dict(zip(columns, values)))


def _xlsx(book) -> Iterator[tuple[int, dict]]:
    try:
        rows = book.worksheets[0].iter_rows(values_only=True)
        columns = _columns(list(next(rows, ())))
        for line, values in enumerate(rows, start=2):
            if any(v not in (None, "") for v in values):
                yield line, to_request(dict(zip(columns, values)))
    finally:
        book.close()


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _iso_date(text: str) -> str:
    """2001/3/4, 2001.3.4 → 2001-03-04; anything else is passed on for the registry to refuse."""
    parts = text.replace("/", "-").replace(".", "-").split("-")
    if len(parts) == 3 and all(p.isdigit() for p in parts):
        return f"{int(parts[0]):04d}-{int(parts[1]):02d}-{int(parts[2]):02d}"
    return "-".join(parts)


def to_request(raw: dict) -> dict:
    """A sheet row → the registry's registration fields (values it cannot map are passed on for the
    registry to refuse with a clear message)."""
    row = {k: _text(v) for k, v in raw.items() if k}
    out: dict = {k: BY_NAME.get(v, v) for k, v in row.items() if v and k not in ("needs", "consents")}
    for name in DATES:
        if row.get(name):
            out[name] = _iso_date(row[name])
    if "subtype" in out and "youthType" not in out and out["subtype"] in SUBTYPES:
        out["youthType"] = SUBTYPES[out["subtype"]][0]
    if row.get("needs"):
        out["needs"] = [NEEDS.get(n, n) for n in SPLIT.split(row["needs"]) if n]
    consents = row.get("consents", "")
    out["consents"] = ["REGISTRATION"] if consents.lower() in YES else [c for c in SPLIT.split(consents) if c]
    out.setdefault("channel", "IMPORT")
    return out


async def import_rows(client: httpx.AsyncClient, rows: Iterator[tuple[int, dict]], *, chunk: int = 1000,
                      concurrency: int = 1, progress: Callable[[Report], None] = lambda report: None) -> Report:
    """Send rows in chunks; each chunk is one transaction in the registry. With one chunk in flight the first
    occurrence of a mobile / ID number in the file is the one imported; with several in flight, two such rows
    in different chunks race (still exactly one is imported, the other reported as already imported).
    `progress` gets the report so far after each chunk."""
    report = Report()
    pending: set[asyncio.Task] = set()

    async def send(batch: list[tuple[int, dict]]) -> None:
        body = {"rows": [{"line": line, "data": data} for line, data in batch]}
        # 409: a concurrent registration took an identifier; the chunk may go again
        response = await retrying_while(lambda: client.post("/youth:batch", json=body),
                                        lambda r: r.status_code == 409, attempts=5, delay=0.3)
        if response.status_code != 200:
            raise ImportFailed(f"登记服务拒绝了第 {batch[0][0]}–{batch[-1][0]} 行（HTTP {response.status_code}）："
                               f"{response.text[:300]}")
        result = response.json()
        report.created += result["created"]
        report.already += result["duplicates"]
        for r in result["results"]:
            if r["status"] == "INVALID":
                report.invalid += [(r["line"], e.get("field") or "", e.get("rule") or "", e["message"])
                                   for e in r["errors"]]
        report.rows += len(batch)
        progress(report)

    batch: list[tuple[int, dict]] = []
    for item in rows:
        batch.append(item)
        if len(batch) == chunk:
            pending.add(asyncio.create_task(send(batch)))
            batch = []
            if len(pending) >= concurrency:
                done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
                for task in done:
                    task.result()
    if batch:
        pending.add(asyncio.create_task(send(batch)))
    for task in asyncio.as_completed(pending):
        await task
    report.invalid.sort()
    return report


def write_errors(path: Path, report: Report) -> None:
    """The rows the registry refused: line, field, rule, reason (never a value of the row). Readable by its
    owner only (0600): the line numbers point into a sheet of personal data. An existing file is replaced."""
    path.unlink(missing_ok=True)  # created afresh: an old file's wider mode is not kept
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["行号", "字段", "规则", "原因"])
        writer.writerows(report.invalid)


class ImportFailed(Exception):
    pass
