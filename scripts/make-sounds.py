"""Writes the desk's short result sounds (static/sounds/*.wav): plain sine tones, no samples."""

import math
import struct
import wave
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "static" / "sounds"
TONES = {
    "ok": [(880, 90), (1320, 140)],  # rising chime: checked in
    "warn": [(660, 160), (0, 60), (660, 160)],  # double beep: already checked in
    "error": [(220, 380)],  # low buzz: refused
    "info": [(990, 80)],  # tick: pick a person
}


def write(path: Path, notes: list[tuple[int, int]], rate: int = 16000) -> None:
    """Mono 16-bit PCM with a short fade in and out so nothing clicks."""
    frames = bytearray()
    for freq, ms in notes:
        n = int(rate * ms / 1000)
        for i in range(n):
            env = min(1, i / 160, (n - i) / 400)
            value = 0 if freq == 0 else int(12000 * env * math.sin(2 * math.pi * freq * i / rate))
            frames += struct.pack("<h", value)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(bytes(frames))


if __name__ == "__main__":
    OUT.mkdir(parents=True, exist_ok=True)
    for name, notes in TONES.items():
        write(OUT / f"{name}.wav", notes)
