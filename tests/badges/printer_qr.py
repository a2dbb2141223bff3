"""Reading QR codes back with a real reader (zbarimg from Debian's zbar-tools)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image


def read_qr(image: Image.Image, tmp_path: Path) -> list[str]:
    """Every QR payload zbarimg finds in the image."""
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        if os.environ.get("CI"):
            pytest.fail("zbarimg is missing: 'make test' installs zbar-tools")
        pytest.skip("zbarimg (Debian zbar-tools) is not installed")
    path = tmp_path / "qr.png"
    image.save(path)
    done = subprocess.run(
        [zbarimg, "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", str(path)],
        capture_output=True,
        check=False,
    )
    return done.stdout.decode("utf-8").splitlines()
