"""This installation's version, as the package metadata says (pyproject.toml)."""

from __future__ import annotations

from importlib import metadata


def kiosk_version() -> str:
    """The installed version; "unknown" when run from a tree that was never installed."""
    try:
        return metadata.version("kiosk")
    except metadata.PackageNotFoundError:
        return "unknown"
