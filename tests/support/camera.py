"""A fake camera for Chromium: a video file (YUV4MPEG2) of a badge held up in front of it.

Chromium's `--use-file-for-fake-video-capture` plays a .y4m file in a loop as the camera, so a
page's getUserMedia sees exactly what a phone held over that badge would.
"""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image

WIDTH, HEIGHT = 640, 480


def badge_feed(badge_png: bytes, path: Path, frames: int = 10) -> Path:
    """Writes a short video of the badge on a grey desk, centred and filling most of the frame."""
    badge = Image.open(io.BytesIO(badge_png)).convert("RGB")
    badge.thumbnail((WIDTH - 40, HEIGHT - 40))
    frame = Image.new("RGB", (WIDTH, HEIGHT), (128, 128, 128))
    frame.paste(badge, ((WIDTH - badge.width) // 2, (HEIGHT - badge.height) // 2))
    y, cb, cr = frame.convert("YCbCr").split()
    half = (WIDTH // 2, HEIGHT // 2)
    planes = y.tobytes() + cb.resize(half).tobytes() + cr.resize(half).tobytes()
    with path.open("wb") as out:
        out.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            out.write(b"FRAME\n" + planes)
    return path
