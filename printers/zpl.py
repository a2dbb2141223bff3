"""ZPL II for Zebra label printers: the badge as one compressed graphic field (^GF, Z64).

Z64 is zlib-deflated bitmap data in base64 with a CRC-16 of the base64 text; a 4×3 in badge
is a few kilobytes instead of ~270 KB of hex, which matters on slow printer networks.
"""

from __future__ import annotations

import base64
import binascii
import zlib

from PIL import Image

from printers.raster import Bitmap, to_bitmap


def z64(data: bytes) -> str:
    """Data in Zebra's Z64 form: ':Z64:' + base64(zlib(data)) + ':' + CRC-16 (XMODEM) in hex."""
    text = base64.b64encode(zlib.compress(data, 9)).decode("ascii")
    crc = binascii.crc_hqx(text.encode("ascii"), 0)
    return f":Z64:{text}:{crc:04X}"


def graphic_field(bitmap: Bitmap) -> str:
    """A ^GF command placing the bitmap; sizes count uncompressed bytes, as ZPL expects."""
    total = bitmap.bytes_per_row * bitmap.height
    return f"^GFA,{total},{total},{bitmap.bytes_per_row},{z64(bitmap.data())}"


def encode_zpl(image: Image.Image, *, copies: int = 1, darkness: int | None = None) -> bytes:
    """One label: print width and length from the image, the badge at the home position."""
    bitmap = to_bitmap(image)
    parts = ["^XA", "^CI28", f"^PW{bitmap.width}", f"^LL{bitmap.height}", "^LH0,0"]
    if darkness is not None:
        parts.append(f"~SD{max(0, min(30, darkness)):02d}")
    parts += [f"^FO0,0{graphic_field(bitmap)}^FS", f"^PQ{max(1, copies)}", "^XZ"]
    return ("\n".join(parts) + "\n").encode("ascii")
