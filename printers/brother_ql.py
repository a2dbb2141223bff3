"""Brother QL raster language for QL-5xx/7xx/8xx label printers (300 dpi, 720-pin head).

The sequence follows Brother's "Raster Command Reference": invalidate, initialise, raster
mode, print information (media and number of rows), cut options, margins, one `g` command per
row, then print with feed. Rows are mirrored: the first byte of a row drives the pins at the
far edge of the head, so the image is flipped before it is packed.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass

from PIL import Image, ImageOps

from printers.base import PrinterError
from printers.raster import to_bitmap

HEAD_PINS = 720  # QL-5xx/7xx/8xx: 90 bytes per raster row whatever the tape width
INVALIDATE = b"\x00" * 400


@dataclass(frozen=True)
class BrotherMedia:
    """A Brother label stock: size for `ESC i z`, printable dots and where they sit on the head."""

    name: str
    width_mm: int
    length_mm: int  # 0 for continuous tape
    printable_dots: int
    offset_pins: int  # unused pins before the printable area, counted from the row's start
    feed_dots: int  # margin fed before and after the label (continuous tape only)

    @property
    def die_cut(self) -> bool:
        """Die-cut labels have a fixed length; continuous tape is cut after each badge."""
        return self.length_mm > 0


MEDIA: dict[str, BrotherMedia] = {
    "62": BrotherMedia("62", 62, 0, 696, 12, 35),  # DK-22205 continuous 62 mm
    "62x100": BrotherMedia("62x100", 62, 100, 696, 12, 0),  # DK-11202 die-cut 62×100 mm
}


def packbits(row: bytes) -> bytes:
    """TIFF PackBits: runs of 2-128 equal bytes as (257-n, byte), others as literals."""
    out, i, n = bytearray(), 0, len(row)
    while i < n:
        run = 1
        while i + run < n and run < 128 and row[i + run] == row[i]:
            run += 1
        if run >= 2:
            out += bytes([257 - run, row[i]])
            i += run
            continue
        start = i
        while i < n and i - start < 128 and not (i + 1 < n and row[i + 1] == row[i]):
            i += 1
        out += bytes([i - start - 1]) + row[start:i]
    return bytes(out)


def _head_rows(image: Image.Image, media: BrotherMedia) -> list[bytes]:
    """The badge centred on the printable area, mirrored, placed on the full 720-pin head."""
    if image.width > media.printable_dots:
        raise PrinterError(
            f"The badge is {image.width} dots wide but {media.name} mm Brother labels print "
            f"{media.printable_dots}; choose the brother-62 badge template.",
            code="bad_media",
        )
    label = Image.new("L", (media.printable_dots, image.height), 255)
    label.paste(image.convert("L"), ((media.printable_dots - image.width) // 2, 0))
    head = Image.new("L", (HEAD_PINS, image.height), 255)
    head.paste(ImageOps.mirror(label), (media.offset_pins, 0))
    return list(to_bitmap(head).rows)


def encode_brother_ql(
    image: Image.Image,
    media: BrotherMedia | str = "62",
    *,
    cut: bool = True,
    compress: bool = False,
    high_quality: bool = True,
) -> bytes:
    """One label; `compress` (PackBits) suits QL-8xx/1100, older models want it off."""
    m = MEDIA[media] if isinstance(media, str) else media
    rows = _head_rows(image, m)
    flags = 0x80 | 0x02 | 0x04 | (0x08 if m.die_cut else 0) | (0x40 if high_quality else 0)
    kind = 0x0B if m.die_cut else 0x0A
    out = [INVALIDATE, b"\x1b@", b"\x1bia\x01"]
    out.append(b"\x1biz" + bytes([flags, kind, m.width_mm, m.length_mm]))
    out.append(struct.pack("<I", len(rows)) + b"\x00\x00")  # raster count, first page, fixed 0
    out.append(b"\x1biM" + bytes([0x40 if cut else 0]))  # auto cut
    out.append(b"\x1biA\x01")  # cut after every label
    out.append(b"\x1biK" + bytes([0x08 if cut else 0]))  # cut at end
    out.append(b"\x1bid" + struct.pack("<H", 0 if m.die_cut else m.feed_dots))
    if compress:
        out.append(b"M\x02")  # TIFF PackBits; models without it never see the command
    for row in rows:
        payload = packbits(row) if compress else row
        out.append(b"g\x00" + bytes([len(payload)]) + payload)
    out.append(b"\x1a")  # print with feeding: last page
    return b"".join(out)
