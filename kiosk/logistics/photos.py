"""A photo from a tablet's camera made small enough to travel inside an op.

Camera photos are megabytes with the place and phone in their EXIF; the op log refuses a
payload past 64 KiB. So each photo is decoded, turned upright, scaled to at most MAX_SIDE
pixels and saved again as a JPEG without metadata, with less quality until it fits MAX_BYTES.
Its bytes then sync with the report to head office and every venue machine like any op.
"""

from __future__ import annotations

import io

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_SIDE = 800
MAX_BYTES = 44_000  # its base64 fits incidents.PHOTO_CHARS
MAX_UPLOAD = 20 * 1024 * 1024  # what a camera may hand over before it is made small
QUALITIES = (75, 60, 45, 30)
Image.MAX_IMAGE_PIXELS = 50_000_000  # a decompression bomb is refused, not decoded


class PhotoError(ValueError):
    """A file that is no photo Kiosk can read."""


def shrink(data: bytes) -> bytes:
    """The photo as a small JPEG without EXIF; PhotoError if it is no image."""
    if len(data) > MAX_UPLOAD:
        raise PhotoError("too large")
    try:
        with Image.open(io.BytesIO(data)) as original:
            image = ImageOps.exif_transpose(original).convert("RGB")
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as exc:
        raise PhotoError("not an image") from exc
    side = MAX_SIDE
    while True:
        image.thumbnail((side, side))
        for quality in QUALITIES:
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality, optimize=True)
            if out.tell() <= MAX_BYTES:
                return out.getvalue()
        side //= 2
