"""Independent readers for the printer byte streams, written from the protocol references.

They share no code with the encoders in `printers`, so an encoder bug cannot hide behind a
matching decoder bug: tests decode what was encoded and compare pixels.
"""

from __future__ import annotations

import base64
import re
import struct
import zlib

from PIL import Image


def pixels_from_rows(width: int, rows: list[bytes]) -> Image.Image:
    """A greyscale image from MSB-first packed rows where a set bit is a black dot."""
    image = Image.new("L", (width, len(rows)), 255)
    for y, row in enumerate(rows):
        for x in range(width):
            if row[x // 8] & (0x80 >> (x % 8)):
                image.putpixel((x, y), 0)
    return image


def crc16_xmodem(data: bytes) -> int:
    """CRC-16/XMODEM bit by bit (polynomial 0x1021, initial value 0)."""
    crc = 0
    for byte in data:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
            crc &= 0xFFFF
    return crc


def decode_zpl(data: bytes) -> tuple[dict[str, str], Image.Image]:
    """Commands of a one-label ZPL job and the image in its ^GF field."""
    text = data.decode("ascii")
    assert text.startswith("^XA") and text.rstrip().endswith("^XZ")
    commands = {m.group(1): m.group(2) for m in re.finditer(r"[\^~]([A-Z]{2})([^\^~\n]*)", text)}
    gf = re.search(r"\^GFA,(\d+),(\d+),(\d+),:Z64:([A-Za-z0-9+/=]+):([0-9A-F]{4})\^FS", text)
    assert gf, "no Z64 graphic field"
    total, total2, bpr, b64, crc = gf.groups()
    assert total == total2
    assert int(crc, 16) == crc16_xmodem(b64.encode()), "CRC over the base64 text"
    raw = zlib.decompress(base64.b64decode(b64))
    assert len(raw) == int(total)
    bpr = int(bpr)
    rows = [raw[i : i + bpr] for i in range(0, len(raw), bpr)]
    width = int(commands["PW"])
    assert (width + 7) // 8 == bpr
    return commands, pixels_from_rows(width, rows)


def unpackbits(data: bytes) -> bytes:
    """TIFF PackBits decoding."""
    out, i = bytearray(), 0
    while i < len(data):
        n = data[i]
        i += 1
        if n < 128:
            out += data[i : i + n + 1]
            i += n + 1
        elif n > 128:
            out += bytes([data[i]]) * (257 - n)
            i += 1
    return bytes(out)


def decode_brother(data: bytes, printable: int, offset: int) -> tuple[dict, Image.Image]:
    """Walk a Brother QL raster job command by command; returns settings and the label image."""
    i, info, rows, compressed = 0, {"invalidate": 0}, [], False
    while data[i] == 0:
        info["invalidate"] += 1
        i += 1
    while i < len(data):
        if data[i : i + 2] == b"\x1b@":
            info["init"] = True
            i += 2
        elif data[i : i + 3] == b"\x1biz":
            flags, kind, width, length, count, page, _zero = struct.unpack_from(
                "<BBBBIBB", data, i + 3
            )
            info |= {"flags": flags, "kind": kind, "width_mm": width, "length_mm": length,
                     "raster_count": count, "page": page}  # fmt: skip
            i += 13
        elif data[i : i + 3] in (b"\x1bia", b"\x1biM", b"\x1biA", b"\x1biK"):
            info[data[i + 2 : i + 3].decode()] = data[i + 3]
            i += 4
        elif data[i : i + 3] == b"\x1bid":
            info["margin"] = struct.unpack_from("<H", data, i + 3)[0]
            i += 5
        elif data[i : i + 1] == b"M":
            compressed = data[i + 1] == 2
            i += 2
        elif data[i : i + 1] == b"g":
            n = data[i + 2]
            payload = data[i + 3 : i + 3 + n]
            row = unpackbits(payload) if compressed else payload
            assert len(row) == 90, "every row drives the whole 720-pin head"
            rows.append(row)
            i += 3 + n
        elif data[i : i + 1] in (b"\x1a", b"\x0c"):
            info["end"] = data[i]
            i += 1
        else:
            raise AssertionError(f"unknown command at byte {i}: {data[i : i + 4]!r}")
    head = pixels_from_rows(720, rows)
    # The first byte is the far end of the head: un-mirror, then cut out the printable pins.
    label = head.crop((offset, 0, offset + printable, head.height)).transpose(
        Image.Transpose.FLIP_LEFT_RIGHT
    )
    info["compressed"] = compressed
    return info, label


def decode_escpos(data: bytes) -> tuple[dict, Image.Image]:
    """GS v 0 bands stacked into one image, plus the feed and cut that follow."""
    assert data.startswith(b"\x1b@")
    i, rows, width_bytes, bands, info = 2, [], None, 0, {}
    while i < len(data):
        if data[i : i + 4] == b"\x1dv0\x00":
            xb, yn = struct.unpack_from("<HH", data, i + 4)
            assert width_bytes in (None, xb)
            width_bytes = xb
            body = data[i + 8 : i + 8 + xb * yn]
            rows += [body[r * xb : (r + 1) * xb] for r in range(yn)]
            bands += 1
            i += 8 + xb * yn
        elif data[i : i + 2] == b"\x1bd":
            info["feed"] = data[i + 2]
            i += 3
        elif data[i : i + 2] == b"\x1dV":
            info["cut"] = data[i + 2]
            i += 3
        else:
            raise AssertionError(f"unknown command at byte {i}: {data[i : i + 4]!r}")
    info["bands"] = bands
    return info, pixels_from_rows(width_bytes * 8, rows)
