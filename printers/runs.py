"""Names in several scripts: each run of text in a font that has it, runs in visual order.

Pillow draws a string in one font and has no fallback, so "Ahmad أحمد" in Noto Sans shows
boxes for the Arabic, and in Noto Sans Arabic boxes for the Latin. A line is therefore cut
into runs: letters take the first font (in `fonts.FAMILIES` order) that has them; spaces,
punctuation, digits and marks stay with the run before them when its font has them. Runs
also break where the writing direction changes. FriBiDi (the library Pillow's raqm layout
loads) gives each character its Unicode bidi level; the runs are then put in visual order
(rule L2 of the Unicode bidi algorithm) and each is shaped by raqm in its own direction.

A character no installed font has becomes a run of its own, flagged `missing`: the layout
reports it so the badge is held for a person instead of printing an empty box.
"""

from __future__ import annotations

import ctypes
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from PIL import ImageDraw, ImageFont, features

from printers.base import PrinterError
from printers.cmap import Coverage
from printers.fonts import FAMILIES, FontChoice, installed_fonts, needs_shaping, shaping_error

_LIBRARIES = ("libfribidi.so.0", "libfribidi.0.dylib", "libfribidi-0.dll", "fribidi.dll")
_PAR_ON = 0x40  # FRIBIDI_PAR_ON: take the direction from the first strong character
_RTL = ("R", "AL")


@dataclass(frozen=True)
class Run:
    """Characters drawn with one font in one direction; `missing`: no installed font has them."""

    text: str
    font: FontChoice
    rtl: bool = False
    missing: bool = False


@lru_cache(maxsize=1)
def _fribidi() -> ctypes.CDLL | None:
    for name in _LIBRARIES:
        try:
            lib = ctypes.CDLL(name)
        except OSError:
            continue
        lib.fribidi_log2vis.restype = ctypes.c_int8
        return lib
    return None


def bidi_levels(text: str) -> list[int]:
    """Each character's embedding level: even is left to right, odd right to left.

    Text without right-to-left letters is all level 0 and never needs FriBiDi.
    """
    if not any(unicodedata.bidirectional(ch) in _RTL for ch in text):
        return [0] * len(text)
    lib = _fribidi()
    if lib is None:
        raise shaping_error()
    n = len(text)
    chars = (ctypes.c_uint32 * n)(*map(ord, text))
    levels = (ctypes.c_int8 * n)()
    direction = ctypes.c_uint32(_PAR_ON)
    if not lib.fribidi_log2vis(chars, n, ctypes.byref(direction), None, None, None, levels):
        raise shaping_error()
    return list(levels)


def _visual(runs: list[Run], levels: list[int]) -> list[Run]:
    """Rule L2: from the highest level down to the lowest odd one, reverse each stretch of runs
    at that level or higher. Inside a run, raqm orders the glyphs itself."""
    order = list(zip(levels, runs, strict=True))
    odd = [lv for lv in levels if lv % 2]
    for level in range(max(levels, default=0), min(odd, default=1) - 1, -1):
        i = 0
        while i < len(order):
            if order[i][0] < level:
                i += 1
                continue
            j = i
            while j < len(order) and order[j][0] >= level:
                j += 1
            order[i:j] = reversed(order[i:j])
            i = j
    return [run for _lv, run in order]


def _is_letter(ch: str) -> bool:
    return unicodedata.category(ch)[0] == "L"


def _ignorable(ch: str) -> bool:
    """Joiners, direction marks, variation selectors: shaping uses them, nothing is drawn."""
    cp = ord(ch)
    return unicodedata.category(ch) == "Cf" or 0xFE00 <= cp <= 0xFE0F or 0xE0100 <= cp <= 0xE01EF


def _covering(ch: str, fonts: tuple[tuple[FontChoice, Coverage], ...]) -> int | None:
    return next((i for i, (_f, cov) in enumerate(fonts) if ord(ch) in cov), None)


def _assign(
    text: str, levels: list[int], fonts: tuple[tuple[FontChoice, Coverage], ...]
) -> list[int | None]:
    """The font of each character, as an index into `fonts`; None where no font has it.

    A space, digit or mark takes the font of a neighbouring letter that has it, preferring the
    neighbour in the same direction, so a space between two scripts joins the run it sits in.
    """
    picks: list[int | None] = [None] * len(text)
    near: list[tuple[int | None, int]] = [(None, -1)] * len(text)  # (font, level) of next letter
    following: tuple[int | None, int] = (None, -1)
    for i in range(len(text) - 1, -1, -1):
        if _is_letter(text[i]):
            picks[i] = _covering(text[i], fonts)
            following = (picks[i], levels[i])
        near[i] = following
    previous: tuple[int | None, int] = (None, -1)
    for i, ch in enumerate(text):
        if _is_letter(ch):
            previous = (picks[i], levels[i])
            continue
        sides = sorted((previous, near[i]), key=lambda side: side[1] != levels[i])
        for choice, _level in sides:
            if choice is not None and (_ignorable(ch) or ord(ch) in fonts[choice][1]):
                picks[i] = choice
                break
        else:
            picks[i] = 0 if _ignorable(ch) else _covering(ch, fonts)
        if picks[i] is not None:
            previous = (picks[i], levels[i])
    return picks


@lru_cache(maxsize=4096)
def text_runs(text: str, bold: bool = True, cjk_index: int = 2) -> tuple[Run, ...]:
    """The runs of one line in visual order (left to right), each with the font that draws it."""
    if not text:
        return ()
    if needs_shaping(text) and not _raqm():
        raise shaping_error()
    fonts = installed_fonts(bold, cjk_index)
    levels = bidi_levels(text)
    picks = _assign(text, levels, fonts)
    uncovered = [ch for p, ch in zip(picks, text, strict=True) if p is None]
    if any(unicodedata.east_asian_width(ch) in "WF" for ch in uncovered):
        cjk = FAMILIES[-1]
        if fonts[-1][0].family != cjk.name:
            raise PrinterError(
                f"No installed badge font can draw {text!r}. Install the Chinese, Japanese and "
                f"Korean fonts with 'apt-get install {cjk.package}'.",
                code="font_missing",
            )
    runs: list[Run] = []
    run_levels: list[int] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i < len(text) and picks[i] == picks[start] and levels[i] == levels[start]:
            continue
        pick = picks[start]
        font = fonts[pick if pick is not None else 0][0]
        runs.append(Run(text[start:i], font, levels[start] % 2 == 1, pick is None))
        run_levels.append(levels[start])
        start = i
    return tuple(_visual(runs, run_levels))


@dataclass(frozen=True)
class FontSet:
    """The fonts one piece of text may use: bold or regular, and which CJK glyph forms."""

    bold: bool = True
    cjk_index: int = 2

    def runs(self, line: str) -> tuple[Run, ...]:
        """The line cut into runs, in visual order."""
        return text_runs(line, self.bold, self.cjk_index)

    def at(self, size_px: int) -> SizedFontSet:
        """The set at one pixel size: measures and draws like a single Pillow font."""
        return SizedFontSet(self, size_px)


@lru_cache(maxsize=1)
def _raqm() -> bool:
    return features.check("raqm")


def _direction(run: Run) -> str | None:
    if not _raqm():
        return None  # only left-to-right text gets here: bidi_levels refused the rest
    return "rtl" if run.rtl else "ltr"


@dataclass(frozen=True)
class SizedFontSet:
    """A FontSet at one size; `getbbox` has FreeTypeFont's meaning, so fitting works unchanged."""

    fonts: FontSet
    size: int

    def placed_runs(self, line: str) -> list[tuple[int, Run, ImageFont.FreeTypeFont]]:
        """Each run's x offset from the line's origin, the run, and its font at this size."""
        out, x = [], 0.0
        runs = self.fonts.runs(line)
        for i, run in enumerate(runs):
            font = run.font.at(self.size)
            out.append((round(x), run, font))
            if i + 1 < len(runs):  # the last run's advance is never needed: one-run lines skip it
                x += font.getlength(run.text, direction=_direction(run))
        return out

    def getbbox(self, line: str, anchor: str = "ls") -> tuple[int, int, int, int]:
        """Ink box of the whole line, relative to its origin, over all its runs."""
        boxes = [
            (x + b[0], b[1], x + b[2], b[3])
            for x, run, font in self.placed_runs(line)
            if (b := font.getbbox(run.text, anchor=anchor, direction=_direction(run)))
        ]
        if not boxes:
            return (0, 0, 0, 0)
        return (min(b[0] for b in boxes), min(b[1] for b in boxes),
                max(b[2] for b in boxes), max(b[3] for b in boxes))  # fmt: skip

    def draw(
        self, draw: ImageDraw.ImageDraw, xy: tuple[int, int], line: str, fill: int | tuple[int, ...]
    ) -> None:
        """Draw the line with its origin (left end, baseline) at `xy`."""
        for x, run, font in self.placed_runs(line):
            draw.text((xy[0] + x, xy[1]), run.text, font=font, fill=fill, anchor="ls",
                      direction=_direction(run))  # fmt: skip
