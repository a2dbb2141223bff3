"""Byte-for-byte golden files: compare, or rewrite them when UPDATE_GOLDENS=1."""

from __future__ import annotations

import os
from pathlib import Path

GOLDEN = Path(__file__).parent / "golden"


def check_golden(name: str, data: bytes) -> None:
    """Assert `data` equals golden/<name>; review the diff before rewriting goldens."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDENS") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    assert path.exists(), f"missing golden file {path}; create it with UPDATE_GOLDENS=1"
    expected = path.read_bytes()
    if data != expected:
        at = next((i for i, (a, b) in enumerate(zip(data, expected, strict=False)) if a != b), None)
        at = min(len(data), len(expected)) if at is None else at
        raise AssertionError(
            f"{name}: {len(data)} bytes vs golden {len(expected)}; first difference at byte {at}: "
            f"{data[at : at + 16].hex(' ')} vs {expected[at : at + 16].hex(' ')}"
        )
