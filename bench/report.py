"""Result tables: rows of named columns, written as markdown (and JSON, for tools and the smoke test)."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson


@dataclass
class Table:
    key: str  # stable id, e.g. "write_path"
    title: str
    columns: list[str]
    rows: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, **row: Any) -> None:
        unknown = set(row) - set(self.columns)
        if unknown:
            raise ValueError(f"{self.key}: unknown column(s) {sorted(unknown)}")
        self.rows.append(row)

    def markdown(self) -> str:
        lines = [f"### {self.title}", "", "| " + " | ".join(self.columns) + " |",
                 "|" + "|".join("---" for _ in self.columns) + "|"]
        for row in self.rows:
            lines.append("| " + " | ".join(_cell(row.get(c)) for c in self.columns) + " |")
        lines += [""] + [f"- {n}" for n in self.notes] + ([""] if self.notes else [])
        return "\n".join(lines)


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return str(value)


@dataclass
class Report:
    machine: dict[str, str]
    scale: str
    tables: dict[str, Table] = field(default_factory=dict)
    targets: list[dict[str, Any]] = field(default_factory=list)

    def table(self, key: str, title: str, columns: list[str]) -> Table:
        if key not in self.tables:
            self.tables[key] = Table(key, title, columns)
        return self.tables[key]

    def target(self, name: str, goal: str, measured: str, met: bool | None) -> None:
        self.targets.append({"target": name, "goal": goal, "measured": measured,
                             "met": "yes" if met else ("no" if met is not None else "n/a")})

    def markdown(self) -> str:
        out = [f"## Benchmark run (scale `{self.scale}`)", "", "| machine | |", "|---|---|"]
        out += [f"| {k} | {v} |" for k, v in self.machine.items()]
        out.append("")
        if self.targets:
            t = Table("targets", "Targets", ["target", "goal", "measured", "met"], self.targets)
            out.append(t.markdown())
        out += [t.markdown() for t in self.tables.values()]
        return "\n".join(out)

    def as_json(self) -> bytes:
        return orjson.dumps({"machine": self.machine, "scale": self.scale, "targets": self.targets,
                             "tables": {k: {"title": t.title, "columns": t.columns, "rows": t.rows, "notes": t.notes}
                                        for k, t in self.tables.items()}}, option=orjson.OPT_INDENT_2)

    def write(self, markdown_path: Path) -> Path:
        markdown_path.parent.mkdir(parents=True, exist_ok=True)
        markdown_path.write_text(self.markdown())
        json_path = markdown_path.with_suffix(".json")
        json_path.write_bytes(self.as_json())
        return json_path
