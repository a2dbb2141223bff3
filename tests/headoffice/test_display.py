"""How the console writes a venue clock's offset from head office's."""

from __future__ import annotations

import pytest

from kiosk.headoffice.display import offset


@pytest.mark.parametrize(
    ("ms", "shown"),
    [(-30, "0.0 s"), (40, "0.0 s"), (-1_500, "−1.5 s"), (2_500, "+2.5 s"), (-200_000, "−3 min")],
)
def test_an_offset_reads_as_seconds_and_a_few_ms_is_no_negative_zero(ms: int, shown: str) -> None:
    assert offset(ms) == shown
