"""docs/CONFIGURATION.md, generated from chassis.settings.Settings (a test keeps the two in step)."""
from __future__ import annotations

from pathlib import Path

from chassis.settings import PROJECT_ROOT, Settings

DOC = PROJECT_ROOT / "docs" / "CONFIGURATION.md"
SECRET = ("master_key", "blind_index_key", "pg_password", "pg_service_password", "pg_keys_password", "partner_key")


def render() -> str:
    lines = [
        "# Configuration",
        "",
        "Every process reads its settings from environment variables with the prefix `XQ_`",
        "(`chassis/settings.py`). `xinqing settings` prints the values in force. This file is generated:",
        "`python -m xinqing.settings_doc` rewrites it.",
        "",
        "| variable | default | meaning |",
        "|---|---|---|",
    ]
    for name, field in Settings.model_fields.items():
        default = field.default
        if name in ("data_dir", "cache_dir"):
            default = {"data_dir": "<project>/.data", "cache_dir": "~/.cache/xinqing"}[name]
        shown = "" if default is None or name in SECRET else f"`{default}`"
        meaning = (field.description or "").replace("|", "\\|")
        lines.append(f"| `XQ_{name.upper()}` | {shown} | {meaning} |")
    return "\n".join(lines) + "\n"


def write(path: Path = DOC) -> None:
    path.write_text(render(), encoding="utf-8")


if __name__ == "__main__":
    write()
