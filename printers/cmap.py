"""Which characters a font file has glyphs for, read from its cmap table.

Pillow draws a missing character as an empty box ("tofu") without telling anyone, so the
layout asks this module before it picks a font for a piece of text.
"""

from __future__ import annotations

import struct
from bisect import bisect_right
from functools import lru_cache
from pathlib import Path


class Coverage:
    """A set of code points stored as sorted, non-overlapping ranges."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1] + 1:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self._starts = [r[0] for r in merged]
        self._ends = [r[1] for r in merged]

    def __contains__(self, codepoint: object) -> bool:
        if not isinstance(codepoint, int):
            return False
        i = bisect_right(self._starts, codepoint) - 1
        return i >= 0 and codepoint <= self._ends[i]

    def missing(self, text: str) -> str:
        """The characters of `text` (other than controls) this font cannot draw."""
        return "".join(ch for ch in text if ord(ch) >= 0x20 and ord(ch) not in self)


@lru_cache(maxsize=64)
def font_coverage(path: str | Path, index: int = 0) -> Coverage:
    """Coverage of one face of a TrueType/OpenType file or collection."""
    data = Path(path).read_bytes()
    base = 0
    if data[:4] == b"ttcf":
        (count,) = struct.unpack_from(">I", data, 8)
        if index >= count:
            raise ValueError(f"{path} has {count} faces, not {index + 1}")
        (base,) = struct.unpack_from(">I", data, 12 + 4 * index)
    cmap = _table(data, base, b"cmap")
    return Coverage(_best_subtable(data, cmap))


def _table(data: bytes, base: int, tag: bytes) -> int:
    """Offset of a table from the font's table directory."""
    (num_tables,) = struct.unpack_from(">H", data, base + 4)
    for i in range(num_tables):
        entry = base + 12 + 16 * i
        if data[entry : entry + 4] == tag:
            return struct.unpack_from(">I", data, entry + 8)[0]
    raise ValueError(f"font has no {tag.decode()} table")


def _best_subtable(data: bytes, cmap: int) -> list[tuple[int, int]]:
    """Ranges from the Unicode subtable: full repertoire (format 12) before BMP (format 4)."""
    (count,) = struct.unpack_from(">H", data, cmap + 2)
    by_format: dict[int, int] = {}
    for i in range(count):
        platform, encoding, offset = struct.unpack_from(">HHI", data, cmap + 4 + 8 * i)
        if (platform, encoding) in ((3, 10), (3, 1), (0, 3), (0, 4), (0, 6)):
            (fmt,) = struct.unpack_from(">H", data, cmap + offset)
            by_format.setdefault(fmt, cmap + offset)
    if 12 in by_format:
        return _format12(data, by_format[12])
    if 4 in by_format:
        return _format4(data, by_format[4])
    raise ValueError("font has no Unicode cmap")


def _format12(data: bytes, sub: int) -> list[tuple[int, int]]:
    """Sequential map groups: (first, last, first glyph); glyph 0 means missing."""
    (n_groups,) = struct.unpack_from(">I", data, sub + 12)
    ranges = []
    for i in range(n_groups):
        start, end, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * i)
        if glyph == 0:
            start += 1
        if start <= end:
            ranges.append((start, end))
    return ranges


def _format4(data: bytes, sub: int) -> list[tuple[int, int]]:
    """Segment mapping to delta values, checking glyph ids reached through idRangeOffset."""
    (seg_x2,) = struct.unpack_from(">H", data, sub + 6)
    n = seg_x2 // 2
    ends = struct.unpack_from(f">{n}H", data, sub + 14)
    starts = struct.unpack_from(f">{n}H", data, sub + 16 + seg_x2)
    deltas = struct.unpack_from(f">{n}h", data, sub + 16 + 2 * seg_x2)
    ro_base = sub + 16 + 3 * seg_x2
    range_offsets = struct.unpack_from(f">{n}H", data, ro_base)
    ranges = []
    for i in range(n):
        start, end = starts[i], ends[i]
        if start == 0xFFFF:
            continue
        if range_offsets[i] == 0:
            ok = [c for c in range(start, end + 1) if (c + deltas[i]) & 0xFFFF]
        else:
            ok = []
            for c in range(start, end + 1):
                at = ro_base + 2 * i + range_offsets[i] + 2 * (c - start)
                (glyph,) = struct.unpack_from(">H", data, at)
                if glyph:
                    ok.append(c)
        ranges.extend((c, c) for c in ok)
    return ranges
