"""The shape of the code: imports run one way and never in a circle.

Walks the AST of every module (imports inside functions and TYPE_CHECKING blocks count too).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Lower layers never import higher ones; modules within a layer may import each other.
LAYERS = {
    "kiosk.views": 4,
    "kiosk.web": 4,
    "kiosk.cli": 4,
    "kiosk.desk": 3,
    "kiosk.printing": 3,
    "kiosk.rooms": 3,
    "kiosk.logistics": 3,
    "kiosk.demo": 3,
    "kiosk.dashboard": 3,
    "kiosk.reports": 3,
    "kiosk.headoffice": 3,
    # Head office's own web app and what only it uses: the views' layer.
    "kiosk.headoffice.web": 4,
    "kiosk.headoffice.serving": 4,
    "kiosk.headoffice.current": 4,
    "kiosk.headoffice.console": 4,
    "kiosk.headoffice.supervisors": 4,
    "kiosk.headoffice.display": 4,
    "kiosk.privacy": 3,
    "kiosk.ticketing": 3,
    "kiosk.leads": 3,
    "kiosk.leads.booth": 4,  # the booth's pages and API: the views' layer
    "kiosk.leads.api": 4,
    "kiosk.service": 3,
    "kiosk.shifts": 3,
    "kiosk.runofshow": 3,
    "kiosk.replication": 2,
    "kiosk.db": 1,
    "kiosk.config": 1,
    "kiosk.clock": 1,
    "kiosk.groupcommit": 1,
    "kiosk.backup": 1,
    "kiosk.certificates": 1,
    "kiosk.auth": 1,
    "kiosk.staff_sessions": 1,
    "kiosk.i18n": 1,
    "kiosk.migrations": 1,
    "kiosk.files": 1,
    "kiosk.version": 1,
    "kiosk.documents": 1,
    # Running a release: its web side is a view; its counters are updated by the domains.
    "kiosk.operations": 4,
    "kiosk.operations.metrics": 1,
    "kiosk.operations.health": 1,  # also the service manager's watchdog check
    "kiosk.operations.startup": 1,
}
# The app factory puts the layers together, so it may import any of them.
ASSEMBLY = {"kiosk"}
INDEPENDENT = ("sync", "printers")  # never import kiosk or Flask


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules(package: str) -> dict[str, Path]:
    return {module_name(p): p for p in sorted((ROOT / package).rglob("*.py"))}


def imports(path: Path, known: set[str]) -> set[str]:
    """The modules `path` imports (a name imported from a package counts if it is a module)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            submodules = {f"{node.module}.{a.name}" for a in node.names} & known
            found |= submodules or {node.module}
    return found - {module_name(path)}


def layer(module: str) -> int | None:
    for prefix in sorted(LAYERS, key=len, reverse=True):
        if module == prefix or module.startswith(prefix + "."):
            return LAYERS[prefix]
    return None


def kiosk_graph() -> dict[str, set[str]]:
    mods = modules("kiosk")
    known = set(mods)
    return {m: imports(p, known) & known - {"kiosk"} for m, p in mods.items()}


def test_no_import_cycles_among_kiosk_modules():
    graph = kiosk_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(m: str, stack: list[str]) -> None:
        state[m] = 1
        for n in sorted(graph[m]):
            if state.get(n) == 1:
                cycles.append([*stack[stack.index(n) :], n] if n in stack else [m, n])
            elif n not in state:
                visit(n, [*stack, n])
        state[m] = 2

    for m in sorted(graph):
        if m not in state:
            visit(m, [m])
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_imports_run_one_way():
    wrong = []
    for m, targets in kiosk_graph().items():
        if m in ASSEMBLY:
            continue
        here = layer(m)
        assert here is not None, f"{m}: not in a layer; add its package to LAYERS"
        for t in targets:
            there = layer(t)
            upward = t in ASSEMBLY or (there is not None and there > here)
            if upward:
                wrong.append(f"{m} imports {t}")
    assert wrong == [], "imports that run the wrong way: " + ", ".join(sorted(wrong))


def test_sync_and_printers_never_import_kiosk_or_flask():
    wrong = []
    for package in INDEPENDENT:
        for m, p in modules(package).items():
            for t in imports(p, set()):
                if t.split(".")[0] in ("kiosk", "flask", "flask_babel", "werkzeug"):
                    wrong.append(f"{m} imports {t}")
    assert wrong == []


def test_every_package_says_what_it_holds():
    undocumented = []
    for package in ("kiosk", *INDEPENDENT):
        for init in sorted((ROOT / package).rglob("__init__.py")):
            if "migrations" in init.parts:
                continue
            if not ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))):
                undocumented.append(str(init.relative_to(ROOT)))
    assert undocumented == []


MAX_LINES = 320  # "under ~300": a module that grows past this is split along a seam
DATA_TABLES = {"kiosk.demo.data"}  # name and text tables, not code


def test_kiosk_modules_stay_short():
    long = [f"{m} ({n} lines)" for m, p in modules("kiosk").items()
            if m not in DATA_TABLES and (n := len(p.read_text(encoding="utf-8").splitlines()))
            > MAX_LINES]  # fmt: skip
    assert long == []
