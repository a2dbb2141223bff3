"""ESC/POS raster for receipt-style printers: GS v 0 bands, then feed and cut.

Bands of at most 256 rows keep older printers, whose receive buffers are small, from
dropping or garbling the image.
"""

from __future__ import annotations

import struct

from PIL import Image

from printers.raster import to_bitmap

INIT = b"\x1b@"
BAND_ROWS = 256
PAPER_DOTS = {"80": 576, "58": 384}  # printable dots of 80 mm and 58 mm paper at 203 dpi


def encode_escpos(image: Image.Image, *, cut: bool = True, feed_lines: int = 4) -> bytes:
    """The badge as raster bands; the image must not be wider than the paper's dots."""
    bitmap = to_bitmap(image)
    out = [INIT]
    bpr = bitmap.bytes_per_row
    for start in range(0, bitmap.height, BAND_ROWS):
        rows = bitmap.rows[start : start + BAND_ROWS]
        out.append(b"\x1dv0\x00" + struct.pack("<HH", bpr, len(rows)) + b"".join(rows))
    out.append(b"\x1bd" + bytes([max(0, min(255, feed_lines))]))
    if cut:
        out.append(b"\x1dV\x00")  # full cut; printers without a cutter ignore it
    return b"".join(out)
