"""The package metadata names every library the code imports, so `pip install .` on a clean
machine brings them all (Flask happens to bring click, but Kiosk imports click itself)."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OWN = {"kiosk", "sync", "printers"}


def imported_top_levels() -> set[str]:
    """Top-level modules imported anywhere in the installed packages' code."""
    found = set()
    for package in OWN:
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Import):
                    found |= {a.name.split(".")[0] for a in node.names}
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    found.add(node.module.split(".")[0])
    return found - OWN - set(sys.stdlib_module_names) - {"__future__"}


def declared() -> set[str]:
    """The distributions pyproject.toml depends on, normalised (PEP 503)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names = (re.match(r"[A-Za-z0-9._-]+", d).group(0) for d in project["dependencies"])
    return {re.sub(r"[-_.]+", "-", n).lower() for n in names}


def test_every_imported_library_is_a_declared_dependency():
    providers = packages_distributions()
    missing = {}
    for module in sorted(imported_top_levels()):
        dists = {re.sub(r"[-_.]+", "-", d).lower() for d in providers.get(module, [module])}
        if not dists & declared():
            missing[module] = sorted(dists)
    assert missing == {}


def test_click_and_prometheus_client_are_declared():
    assert {"click", "prometheus-client"} <= declared()
