"""The dashboard page's sections (gateway/web/src/sections/*.js) against the gateway's schema.

A section's `selection` may only read fields it declares in `needs`: the page shows a section only when
the schema has all its `needs`, so an undeclared field of a missing domain would break the whole query.
Sections whose domain is in the schema must validate against it.
"""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

from graphql import FieldNode, parse, validate

from gateway.schema import field_paths, schema

SECTIONS = Path(__file__).resolve().parents[2] / "gateway" / "web" / "src" / "sections"

# Loads registry.js and every section file in a bare context and prints what they registered.
EXTRACT = """
const fs = require("fs"), vm = require("vm"), dir = process.argv[1];
const ctx = {}; ctx.window = ctx; vm.createContext(ctx);  // as in a browser: window is the global object
vm.runInContext(fs.readFileSync(dir + "/registry.js", "utf8"), ctx);
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".js") && f !== "registry.js").sort())
  vm.runInContext(fs.readFileSync(dir + "/" + f, "utf8"), ctx);
console.log(JSON.stringify(ctx.window.XQ.sections.map((s) => ({ id: s.id, needs: s.needs, selection: s.selection }))));
"""


def sections() -> list[dict]:
    node = shutil.which("node")
    assert node, "Node.js is needed to build the dashboard page (apt-get install nodejs npm)"
    out = subprocess.run([node, "-e", EXTRACT, str(SECTIONS)], capture_output=True, text=True, check=True, timeout=30)
    return json.loads(out.stdout)


def selected_paths(selection: str) -> set[str]:
    operation = parse("{ " + selection + " }").definitions[0]

    def walk(selection_set, prefix: str) -> set[str]:
        found = set()
        for node in selection_set.selections:
            assert isinstance(node, FieldNode), "sections select plain fields"
            path = prefix + node.name.value
            found.add(path)
            if node.selection_set:
                found |= walk(node.selection_set, path + ".")
        return found

    return walk(operation.selection_set, "")


def test_every_section_reads_only_the_fields_it_declares():
    found = sections()
    assert len({s["id"] for s in found}) == len(found), "section ids must be unique"
    for s in found:
        declared = set(s["needs"])
        covered = declared | {p.rsplit(".", i)[0] for p in declared for i in range(1, p.count(".") + 1)}
        assert selected_paths(s["selection"]) <= covered, (s["id"], selected_paths(s["selection"]) - covered)


def test_sections_whose_fields_exist_validate_against_the_schema():
    available = set(field_paths(schema._schema.get_type("Dashboard")))
    shown = [s for s in sections() if set(s["needs"]) <= available]
    assert {"youth-total", "youth-by-type", "youth-by-district", "youth-per-week"} <= {s["id"] for s in shown}
    for s in shown:
        assert validate(schema._schema, parse("{ dashboard { " + s["selection"] + " } }")) == [], s["id"]
