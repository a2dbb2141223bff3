"""QR codes drawn dot-exact: error correction M, a whole number of printer dots per module.

A QR code scaled by a fraction smears module edges on thermal printers, so the module size is
chosen as an integer and the code is drawn, never resampled.
"""

from __future__ import annotations

from dataclasses import dataclass

import qrcode
from PIL import Image

from printers.base import PrinterError

QUIET_ZONE = 4  # modules of white around the code, as the QR standard asks


@dataclass(frozen=True)
class QrPlan:
    """A QR code that fits its box: the module grid and the dots per module."""

    modules: tuple[tuple[bool, ...], ...]  # without the quiet zone; True is dark
    dots: int

    @property
    def size_px(self) -> int:
        """Side of the drawn code including the quiet zone, in dots."""
        return (len(self.modules) + 2 * QUIET_ZONE) * self.dots


def qr_modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The module grid for `text` at error correction M, smallest version that holds it."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=0)
    code.add_data(text.encode("utf-8") if not text.isascii() else text)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def plan_qr(text: str, box_px: int, min_dots: int) -> QrPlan:
    """The largest whole module size that fits `box_px`, refused if under `min_dots`."""
    modules = qr_modules(text)
    dots = box_px // (len(modules) + 2 * QUIET_ZONE)
    if dots < min_dots:
        raise PrinterError(
            f"The ticket code is too long for a readable QR code on this badge size "
            f"({len(text)} characters). Use a larger badge template.",
            code="qr_too_small",
        )
    return QrPlan(modules, dots)


def draw_qr(plan: QrPlan) -> Image.Image:
    """The QR code as a 1-bit image, quiet zone included, each module `dots` square."""
    n = len(plan.modules) + 2 * QUIET_ZONE
    small = Image.new("1", (n, n), 1)
    pixels = small.load()
    for y, row in enumerate(plan.modules):
        for x, dark in enumerate(row):
            if dark:
                pixels[x + QUIET_ZONE, y + QUIET_ZONE] = 0
    # Nearest-neighbour scaling by a whole factor repeats each module exactly `dots` times.
    return small.resize((n * plan.dots, n * plan.dots), Image.Resampling.NEAREST)
