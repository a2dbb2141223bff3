"""PNG output: the badge exactly as rendered, with its resolution recorded for viewers."""

from __future__ import annotations

import io

from PIL import Image


def encode_png(image: Image.Image, dpi: int) -> bytes:
    """PNG bytes; the pHYs chunk lets printing software print it at true size."""
    out = io.BytesIO()
    image.save(out, format="PNG", dpi=(dpi, dpi), optimize=False)
    return out.getvalue()
