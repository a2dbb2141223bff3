"""Fixtures that start real printers on 127.0.0.1: a virtual IPP printer and a raw TCP capture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.printers import Capture, VirtualIpp, raw_capture, virtual_ipp


@pytest.fixture(name="virtual_ipp")
def virtual_ipp_fixture(tmp_path: Path) -> Iterator[VirtualIpp]:
    """A virtual IPP Everywhere printer taking PDF, PNG and JPEG."""
    with virtual_ipp(tmp_path) as printer:
        yield printer


@pytest.fixture
def virtual_ipp_raster_only(tmp_path: Path) -> Iterator[VirtualIpp]:
    """A virtual printer that takes only PWG raster, which the kiosk does not send directly."""
    with virtual_ipp(tmp_path, "image/pwg-raster") as printer:
        yield printer


@pytest.fixture(name="raw_capture")
def raw_capture_fixture() -> Iterator[Capture]:
    """Listen on 127.0.0.1 like a JetDirect port; each connection is one job."""
    with raw_capture() as capture:
        yield capture
