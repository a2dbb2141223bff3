"""Where the files the pages and the API description need are, installed or in a checkout.

A wheel carries `static/` and `docs/openapi.yaml` inside the package (setup.py copies them
there); a checkout keeps them at the repository's top level. Looking inside the package first
means an installed kiosk never reads files of whatever directory it was started from.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[2]


def _installed_or_checkout(inside: Path, in_checkout: Path) -> Path:
    """The copy inside the package when the build put one there, else the checkout's."""
    return inside if inside.exists() else in_checkout


def static_dir() -> Path:
    """The folder served at /static: CSS, JavaScript, sounds, vendored htmx."""
    inside = Path(str(resources.files("kiosk"))) / "static"
    return _installed_or_checkout(inside, CHECKOUT / "static")


def openapi_file() -> Path:
    """The API description (docs/openapi.yaml is its source)."""
    inside = Path(str(resources.files("kiosk.operations"))) / "openapi.yaml"
    return _installed_or_checkout(inside, CHECKOUT / "docs" / "openapi.yaml")
