"""What `xinqing import youth` prints: a live line (rows, rate, refused rows, time left) on a terminal, and
nothing but one plain summary line anywhere else (a pipe, a log)."""
from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from typer.testing import CliRunner

from xinqing.import_progress import ImportProgress
from xinqing.importer import Report


class Ticks:
    """A clock the test moves: seconds since the import started."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def half_done() -> Report:
    return Report(rows=4_000, created=3_000, already=999, invalid=[(7, "mobile", "format", "手机号…")])


def test_on_a_terminal_it_shows_rows_rate_refused_rows_and_time_left():
    out, ticks = io.StringIO(), Ticks()
    console = Console(file=out, force_terminal=True, width=160, color_system=None)
    with ImportProgress(console, "survey.csv", 8_000, clock=ticks) as shown:
        ticks.now += 2.0
        shown.update(half_done())
        shown.bar.refresh()  # type: ignore[union-attr]
    screen = out.getvalue()
    assert "survey.csv" in screen and "4000/8000" in screen
    assert "2,000 行/秒" in screen and "有误 1 行" in screen and "剩余 0:02" in screen


def test_elsewhere_nothing_is_drawn_and_the_summary_is_one_plain_line():
    out, ticks = io.StringIO(), Ticks()
    console = Console(file=out, width=40)  # not a terminal
    with ImportProgress(console, "survey.csv", 8_000, clock=ticks) as shown:
        ticks.now += 4.0
        shown.update(half_done())
    assert out.getvalue() == ""
    assert shown.summary(half_done(), Path("survey.csv.errors.csv")) == (
        "共 4000 行：新登记 3000，已登记（跳过）999，有误 1（见 survey.csv.errors.csv）；用时 4.0 秒，1,000 行/秒")


def test_the_command_piped_prints_only_the_summary_line(tmp_path, monkeypatch):
    """The whole command with its output not a terminal (the registry's answers stand in: each chunk's report)."""
    from xinqing import importer
    from xinqing.cli import app

    async def chunks(client, rows, *, chunk, concurrency, progress):
        report = Report()
        for _ in rows:
            report.rows += 1
            report.created += 1
            progress(report)
        return report

    monkeypatch.setattr(importer, "import_rows", chunks)
    sheet = tmp_path / "survey.csv"
    sheet.write_text("姓名,手机号\n张三,13600000001\n李四,13600000002\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["import", "youth", str(sheet), "--token", "t"])
    assert result.exit_code == 0, result.output
    [line] = result.output.splitlines()
    assert line.startswith("共 2 行：新登记 2，已登记（跳过）0，有误 0；用时 ") and line.endswith(" 行/秒")
    assert "\x1b" not in result.output
