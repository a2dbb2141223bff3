"""Turning a rendered badge into the 1-bit rows that thermal printers take."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image

THRESHOLD = 128  # grey levels below this print as a black dot


@dataclass(frozen=True)
class Bitmap:
    """Rows of packed bits, most significant bit first, 1 = black dot; padding bits are 0."""

    width: int
    height: int
    rows: tuple[bytes, ...]

    @property
    def bytes_per_row(self) -> int:
        """Bytes in one row: the width rounded up to whole bytes."""
        return (self.width + 7) // 8

    def data(self) -> bytes:
        """All rows joined, top row first."""
        return b"".join(self.rows)


def to_bitmap(image: Image.Image) -> Bitmap:
    """Threshold an image (no dithering, so text and QR edges stay sharp) and pack it."""
    grey = image.convert("L")
    # Mode "1" packs with 1 = white; invert first so that 1 means a black dot.
    mono = grey.point(lambda v: 255 if v < THRESHOLD else 0).convert("1", dither=Image.Dither.NONE)
    raw = mono.tobytes()
    bpr = (mono.width + 7) // 8
    rows = tuple(raw[i * bpr : (i + 1) * bpr] for i in range(mono.height))
    return Bitmap(mono.width, mono.height, rows)


def from_bitmap(bitmap: Bitmap) -> Image.Image:
    """The inverse of `to_bitmap`, for previews and for checking encoders."""
    image = Image.frombytes("1", (bitmap.width, bitmap.height), bitmap.data())
    return image.point(lambda v: 0 if v else 255).convert("L")
