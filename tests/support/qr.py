"""Reading QR codes back with a real reader (zxing-cpp), as a venue's scanner would."""

from __future__ import annotations

import zxingcpp
from PIL import Image


def read_qr(image: Image.Image) -> list[str]:
    """Every QR payload found in the image."""
    found = zxingcpp.read_barcodes(image.convert("L"), formats=zxingcpp.BarcodeFormat.QRCode)
    return [result.text for result in found]
