"""The API description as a page for people: each route with what it does and what it answers.

docs/openapi.yaml is the one source; this reads it once per change of the file.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

METHODS = ("get", "post", "put", "patch", "delete")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's: ten times faster
_cache: dict[str, tuple[float, Any]] = {}
_cache_guard = threading.Lock()


@dataclass(frozen=True)
class Operation:
    """One method on one path, as the page lists it."""

    method: str
    path: str
    summary: str
    description: str
    public: bool  # needs no token
    statuses: tuple[str, ...]  # the answers documented, e.g. ("200", "401", "403")


def operations(spec: dict[str, Any]) -> list[Operation]:
    """Every operation of an OpenAPI document, in the document's order."""
    secured = bool(spec.get("security"))
    found = []
    for path, item in (spec.get("paths") or {}).items():
        for method in (m for m in METHODS if m in item):
            op = item[method]
            statuses = tuple(s for s in map(str, op.get("responses", {})) if s != "default")
            found.append(Operation(method.upper(), path, op.get("summary", ""),
                                   " ".join(op.get("description", "").split()),
                                   op.get("security", None) == [] or not secured,
                                   statuses))  # fmt: skip
    return found


def load(path: Path) -> dict[str, Any]:
    """The parsed document, read again only when the file changed."""
    stamp = path.stat().st_mtime
    with _cache_guard:
        cached = _cache.get(str(path))
    if cached is None or cached[0] != stamp:
        cached = (stamp, yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER))  # noqa: S506
        with _cache_guard:
            _cache[str(path)] = cached
    return cached[1]
