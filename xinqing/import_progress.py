"""What `xinqing import youth` shows while it runs. On a terminal: a live line of rows done out of the file's,
rows per second, rows refused so far and the time left. Anywhere else (a pipe, a log file, cron): nothing while
it runs, then the one plain summary line every run ends with — a log gets no redrawn bars or escape codes."""
from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from .importer import Report


class ImportProgress:
    def __init__(self, console: Console, name: str, total: int, clock: Callable[[], float] = time.monotonic):
        self.console, self.clock, self.started = console, clock, clock()
        self.bar: Progress | None = None
        if console.is_terminal:
            self.bar = Progress(TextColumn("导入 {task.description}"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.fields[rate]} 行/秒"), TextColumn("有误 {task.fields[invalid]} 行"),
                                TextColumn("剩余 {task.fields[left]}"), console=console)
            self.task = self.bar.add_task(name, total=total, rate="–", invalid=0, left="–")
        self.total = total

    def __enter__(self) -> ImportProgress:
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.bar is not None:
            self.bar.stop()

    def update(self, report: Report) -> None:
        """After each chunk the registry answered: `report` so far."""
        if self.bar is not None:
            rate = self.rate(report)
            left = max(self.total - report.rows, 0) / rate if rate else None
            self.bar.update(self.task, completed=report.rows, rate=f"{rate:,.0f}", invalid=report.invalid_rows,
                            left="–" if left is None else f"{int(left) // 60}:{int(left) % 60:02d}")

    def rate(self, report: Report) -> float:
        elapsed = self.clock() - self.started
        return report.rows / elapsed if elapsed > 0 else 0.0

    def summary(self, report: Report, errors: Path) -> str:
        """The line every run ends with (plain text: it is also what a log keeps)."""
        return (f"共 {report.rows} 行：新登记 {report.created}，已登记（跳过）{report.already}，有误 {report.invalid_rows}"
                + (f"（见 {errors}）" if report.invalid else "")
                + f"；用时 {self.clock() - self.started:.1f} 秒，{self.rate(report):,.0f} 行/秒")
