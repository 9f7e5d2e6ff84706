"""The shape of the tree (docs/ARCHITECTURE.md, "One shape for every service"): every service has the
same files in the same roles, the clock is written once, files stay small, and no module imports
itself back through others."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SERVICES = sorted(p.name for p in (ROOT / "services").iterdir() if (p / "app.py").exists())
# The skeleton: path -> role (the table in docs/ARCHITECTURE.md).
SKELETON = {
    "domain/__init__.py": "pure deciders, a module per aggregate",
    "commands.py": "the chassis command runner applied; query tables written in the command's transaction",
    "api/__init__.py": "FastAPI routers (`routers`)",
    "projections.py": "what the service consumes from Kafka (`projections(rt)`)",
    "jobs.py": "scheduled work (`jobs(rt)`)",
    "deps.py": "the typed dependencies object, with the clock",
    "app.py": "wiring (`create_app`)",
    "migrations": "SQL, numbered without gaps",
}
# A service that takes no commands has no command runner; the reason is stated here, and nowhere else may
# the file be missing.
WITHOUT_COMMANDS = {"partners": "no API of its own: it writes only in its projection's transaction"}
# Names that meant different things in different services before the skeleton; none may come back.
RETIRED = ("views.py", "workflow.py", "handling.py", "overdue.py", "league_age.py", "keys_api.py", "queries.py",
           "domain.py", "api.py")
PACKAGES = ("chassis", "contracts", "services", "gateway", "xinqing", "bench")
MAX_LINES = 400


def python_files(*packages: str) -> list[Path]:
    return sorted(p for pkg in packages for p in (ROOT / pkg).rglob("*.py") if "node_modules" not in p.parts)


def test_the_services_are_found():
    assert {"registry", "branches", "stations", "partners"} <= set(SERVICES)


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_has_the_skeleton(service: str):
    base = ROOT / "services" / service
    missing = [path for path in SKELETON if not (base / path).exists()
               and not (path == "commands.py" and service in WITHOUT_COMMANDS)]
    assert not missing, f"services/{service} lacks {missing} (roles: {[SKELETON[m] for m in missing]})"
    retired = [name for name in RETIRED if (base / name).exists()]
    assert not retired, f"services/{service} still has {retired}: move the content to its role in the skeleton"


def top_level_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


# Each role's entry point, the one name app.py (or a test) looks for.
ENTRY_POINTS = {"app.py": "create_app", "projections.py": "projections", "jobs.py": "jobs",
                "api/__init__.py": "routers", "deps.py": "Runtime"}


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_wires_the_same_entry_points(service: str):
    base = ROOT / "services" / service
    missing = {path: name for path, name in ENTRY_POINTS.items() if name not in top_level_names(base / path)}
    assert not missing, f"services/{service}: {missing}"


def test_the_clock_is_written_once():
    """Asia/Shanghai and the reading of the wall clock live in chassis/clock.py; everything else asks it."""
    offenders = []
    for path in python_files(*PACKAGES):
        if path == ROOT / "chassis" / "clock.py" or path.parts[len(ROOT.parts)] == "bench":
            continue
        text = path.read_text()
        if "ZoneInfo(" in text or re.search(r"datetime\.now\(|date\.today\(\)", text):
            offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"the time is read outside chassis/clock.py in {offenders}"


def test_no_file_is_over_the_size_limit():
    big = {str(p.relative_to(ROOT)): n for p in python_files(*PACKAGES)
           if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not big, f"over {MAX_LINES} lines: {big}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The project modules `path` imports at run time (not under `if TYPE_CHECKING:`)."""
    name = module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text())
    skip = {id(n) for node in ast.walk(tree) if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
            for child in node.body for n in ast.walk(child)}
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip:
            continue
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in modules else base for a in node.names]
        else:
            continue
        for target in targets:
            while target and target not in modules:
                target = target.rpartition(".")[0]
            if target and target != name:
                found.add(target)
    return found


def test_no_import_cycles():
    files = python_files(*PACKAGES)
    modules = {module_name(p) for p in files}
    graph = {module_name(p): imports_of(p, modules) for p in files}
    # Tarjan's strongly connected components: any component of two or more modules is a cycle.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    assert not cycles, f"import cycles: {cycles}"
