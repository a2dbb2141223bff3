"""The two releases an upgrade test runs."""

from __future__ import annotations

import pytest

from tests.upgrade.kiosks import Release, release_0_1_0


@pytest.fixture(scope="session")
def old(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """0.1.0's `kiosk`, built once from this repository's history."""
    return release_0_1_0(tmp_path_factory.mktemp("kiosk-0.1.0"))
