"""Fitting a name into its box: shrink to a minimum size, then two lines, then an ellipsis.

Sizes are found by binary search on the pixel size, measuring the shaped text (raqm), so
Arabic, Devanagari and CJK are measured as they will be drawn.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

ELLIPSIS = "…"
PAD = 1  # dots kept free on every side: anti-aliased edges may reach one dot past the ink box


class Measure(Protocol):
    """What fitting needs of a font: its size and a line's ink box (a Pillow font, or a set
    of fonts drawing a mixed-script line run by run)."""

    @property
    def size(self) -> float: ...

    def getbbox(self, text: str, anchor: str = "ls") -> tuple[float, float, float, float]: ...


FontAt = Callable[[int], Measure]


@dataclass(frozen=True)
class Fitted:
    """Lines of text at one size, with each line's offset from the box's top-left corner."""

    lines: tuple[str, ...]
    size_px: int
    baselines: tuple[int, ...]  # y of each line's baseline from the top of the block
    height: int  # ink-safe height of the whole block
    shortened: bool  # an ellipsis was needed: someone should look at this badge
    lefts: tuple[int, ...]  # x of each line's origin from the box's left edge (centres its ink)


def line_extent(font: Measure, line: str) -> tuple[int, int, int]:
    """(width, above baseline, below baseline): the ink, but never less than Latin proportions.

    Font metrics are not used because Arabic and CJK fonts declare very tall line boxes, which
    would make those names needlessly small; the ink box is what must stay inside the field.
    """
    left, top, right, bottom = font.getbbox(line, anchor="ls")
    size = int(font.size)
    return right - left, max(round(size * 0.76), -top), max(round(size * 0.22), bottom)


def _block(font: Measure, lines: tuple[str, ...]) -> tuple[int, tuple[int, ...], int]:
    """Width, baselines and height of lines stacked one pitch apart."""
    extents = [line_extent(font, line) for line in lines]
    pitch = max(round(font.size * 1.12), extents[0][2] + extents[-1][1])
    baselines = [extents[0][1]]
    for _ in lines[1:]:
        baselines.append(baselines[-1] + pitch)
    height = max(b + e[2] for b, e in zip(baselines, extents, strict=True))
    return max(e[0] for e in extents), tuple(baselines), height


def _fits(font_at: FontAt, lines: tuple[str, ...], size: int, w: int, h: int) -> bool:
    width, _b, height = _block(font_at(size), lines)
    return width <= w and height <= h


def _largest(font_at: FontAt, lines: tuple[str, ...], lo: int, hi: int, w: int, h: int) -> int:
    """The largest size in [lo, hi] at which the lines fit, or 0 if none does."""
    if not _fits(font_at, lines, lo, w, h):
        return 0
    while lo < hi:
        mid = (lo + hi + 1) // 2
        lo, hi = (mid, hi) if _fits(font_at, lines, mid, w, h) else (lo, mid - 1)
    return lo


def two_line_splits(text: str) -> list[tuple[str, str]]:
    """Ways to break a name in two, most balanced first; scripts without spaces break anywhere."""
    words = text.split()
    if len(words) > 1:
        cuts = [(" ".join(words[:i]), " ".join(words[i:])) for i in range(1, len(words))]
    elif any(unicodedata.east_asian_width(ch) in "WF" for ch in text):
        cuts = [(text[:i], text[i:]) for i in range(1, len(text)) if _can_break(text, i)]
    else:
        hyphen = [i + 1 for i, ch in enumerate(text[:-1]) if ch in "-‐"]
        cuts = [(text[:i], text[i:]) for i in hyphen]
        if not cuts and len(text) > 12:  # one very long word: break it with a hyphen
            cuts = [
                (text[:i] + "-", text[i:]) for i in range(4, len(text) - 3) if _can_break(text, i)
            ]
    return sorted(cuts, key=lambda c: max(len(c[0]), len(c[1])))[:4]


def _can_break(text: str, i: int) -> bool:
    """Never split a letter from its accent or vowel sign (categories Mn, Mc, Me)."""
    return not unicodedata.category(text[i]).startswith("M")


def fit_text(
    text: str,
    font_at: FontAt,
    w: int,
    h: int,
    min_px: int,
    max_px: int,
    max_lines: int = 2,
    *,
    ellipsis: str = ELLIPSIS,
) -> Fitted:
    """Lay out `text` in a w×h box: never wider or taller than the box."""
    text = " ".join(text.split())
    box_w = w
    w, h = max(1, w - 2 * PAD), max(1, h - 2 * PAD)
    min_px = max(1, min(min_px, max_px))
    size = _largest(font_at, (text,), min_px, max_px, w, h)
    if size or not text:
        return _make(font_at, (text,), size or min_px, False, box_w)
    if max_lines >= 2:
        best: tuple[int, tuple[str, ...]] = (0, ())
        for a, b in two_line_splits(text):
            size = _largest(font_at, (a, b), min_px, max_px, w, h)
            if size > best[0]:
                best = (size, (a, b))
        if best[0]:
            return _make(font_at, best[1], best[0], False, box_w)
        # Two lines at the minimum size if they fit in height: fill the first, cut the second.
        font = font_at(min_px)
        if _block(font, ("Ag", "Ag"))[2] <= h:
            first, rest = _first_line(font, text, w)
            if first:
                lines = (first, _shorten(font, rest, w, ellipsis))
                return _make(font_at, lines, min_px, True, box_w)
    line = _shorten(font_at(min_px), text, w, ellipsis)
    return _make(font_at, (line,), _floor(font_at, min_px, h, line), True, box_w)


def _first_line(font: Measure, text: str, w: int) -> tuple[str, str]:
    """As many whole words as fit on a line, else as many letters as fit plus a hyphen."""
    words = text.split()
    for k in range(len(words) - 1, 0, -1):
        head = " ".join(words[:k])
        if line_extent(font, head)[0] <= w:
            return head, " ".join(words[k:])
    wide = any(unicodedata.east_asian_width(ch) in "WF" for ch in text)
    mark = "" if wide else "-"
    for i in range(len(text) - 1, 0, -1):
        if _can_break(text, i) and line_extent(font, text[:i] + mark)[0] <= w:
            return text[:i] + mark, text[i:]
    return "", text


def _floor(font_at: FontAt, size: int, h: int, line: str) -> int:
    """Shrink below the minimum only when even one line is too tall for the box."""
    while size > 1 and _block(font_at(size), (line,))[2] > h:
        size -= 1
    return size


def _shorten(font: Measure, line: str, w: int, ellipsis: str) -> str:
    """Cut a line at the end and add an ellipsis so it fits the width."""
    if line_extent(font, line)[0] <= w:
        return line
    lo, hi = 0, len(line)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_extent(font, line[:mid].rstrip() + ellipsis)[0] <= w:
            lo = mid
        else:
            hi = mid - 1
    return line[:lo].rstrip() + ellipsis


def _make(
    font_at: FontAt, lines: tuple[str, ...], size: int, shortened: bool, box_w: int
) -> Fitted:
    """Final positions: ink centred in the box width, PAD dots added above and below."""
    font = font_at(size)
    _w, baselines, height = _block(font, lines)
    lefts = []
    for line in lines:
        left, _top, right, _bottom = font.getbbox(line, anchor="ls")
        lefts.append((box_w - (right - left)) // 2 - left)
    return Fitted(lines, size, tuple(b + PAD for b in baselines), height + 2 * PAD, shortened,
                  tuple(lefts))  # fmt: skip
