"""Finding badge fonts on this machine and picking one that can draw a given name.

Pillow has no font fallback: a character the font lacks becomes an empty box. So each run of
text gets the first font in `FAMILIES` whose character map has it (printers/runs.py). Fonts are the
Noto families from Debian's fonts-noto-core and fonts-noto-cjk packages, found by file name
under the usual font folders or the folders listed in KIOSK_FONT_DIRS.
"""

from __future__ import annotations

import os
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageFont, features

from printers.base import PrinterError
from printers.cmap import Coverage, font_coverage

FONT_DIRS_ENV = "KIOSK_FONT_DIRS"
SYSTEM_FONT_DIRS = (
    "/usr/share/fonts",
    "/usr/local/share/fonts",
    "~/.local/share/fonts",
    "~/.fonts",
    "/Library/Fonts",
    "/System/Library/Fonts",
    "C:/Windows/Fonts",
)


@dataclass(frozen=True)
class Family:
    """One font family: regular and bold file names, and the package that provides them."""

    name: str
    regular: str
    bold: str
    package: str


_SCRIPTS = [
    "Arabic",
    "Hebrew",
    "Devanagari",
    "Bengali",
    "Gujarati",
    "Gurmukhi",
    "Tamil",
    "Telugu",
    "Kannada",
    "Malayalam",
    "Sinhala",
    "Thai",
    "Lao",
    "Khmer",
    "Myanmar",
    "Georgian",
    "Armenian",
    "Ethiopic",
]
# Tried in this order; the first that has a letter draws it. Latin first
# (it also covers Vietnamese, Greek and Cyrillic), CJK last because it covers Latin too.
FAMILIES: tuple[Family, ...] = (
    Family("latin", "NotoSans-Regular.ttf", "NotoSans-Bold.ttf", "fonts-noto-core"),
    *(
        Family(s.lower(), f"NotoSans{s}-Regular.ttf", f"NotoSans{s}-Bold.ttf", "fonts-noto-core")
        for s in _SCRIPTS
    ),
    Family("cjk", "NotoSansCJK-Regular.ttc", "NotoSansCJK-Bold.ttc", "fonts-noto-cjk"),
)
# Faces inside NotoSansCJK-*.ttc: Japanese, Korean, Simplified and Traditional Chinese, HK.
_CJK_FACE = {"ja": 0, "ko": 1, "zh": 2, "zh-hans": 2, "zh-cn": 2, "zh-sg": 2}
_CJK_FACE |= {"zh-hant": 3, "zh-tw": 3, "zh-hk": 4, "zh-mo": 4}
_SHAPED = ("ARABIC", "HEBREW", "DEVANAGARI", "BENGALI", "GUJARATI", "GURMUKHI", "TAMIL",
           "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "THAI", "LAO", "KHMER",
           "MYANMAR")  # fmt: skip


@dataclass(frozen=True)
class FontChoice:
    """A font file (and face inside a collection) chosen for a piece of text."""

    path: Path
    index: int
    family: str

    def at(self, size_px: int) -> ImageFont.FreeTypeFont:
        """The font at a pixel size, cached because the fitting loop asks many times."""
        return _load(str(self.path), self.index, size_px)


@lru_cache(maxsize=512)
def _load(path: str, index: int, size_px: int) -> ImageFont.FreeTypeFont:
    layout = ImageFont.Layout.RAQM if features.check("raqm") else ImageFont.Layout.BASIC
    return ImageFont.truetype(path, size_px, index=index, layout_engine=layout)


def font_dirs() -> list[Path]:
    """Folders searched for fonts: KIOSK_FONT_DIRS first, then the system's usual places."""
    extra = [d for d in os.environ.get(FONT_DIRS_ENV, "").split(os.pathsep) if d]
    return [Path(d).expanduser() for d in (*extra, *SYSTEM_FONT_DIRS)]


@lru_cache(maxsize=8)
def _index(dirs: tuple[Path, ...]) -> dict[str, Path]:
    found: dict[str, Path] = {}
    for root in dirs:
        for dirpath, _dirs, files in os.walk(root):
            for name in files:
                found.setdefault(name, Path(dirpath) / name)
    return found


def find_font(filename: str, package: str = "fonts-noto-core") -> Path:
    """The path of a font file, or an error that tells the technician what to install."""
    path = _index(tuple(font_dirs())).get(filename)
    if path is None:
        raise PrinterError(
            f"The badge font {filename} is not installed. Install it with "
            f"'apt-get install {package}', or copy it into a folder named in {FONT_DIRS_ENV}.",
            code="font_missing",
        )
    return path


def cjk_face(text: str, language: str = "") -> int:
    """Which CJK face to use: the language hint, else kana means Japanese, Hangul Korean."""
    lang = language.strip().lower()
    for key in (lang, lang.split("-")[0]):
        if key in _CJK_FACE:
            return _CJK_FACE[key]
    names = [unicodedata.name(ch, "") for ch in text]
    if any(n.startswith(("HIRAGANA", "KATAKANA")) for n in names):
        return 0
    if any(n.startswith("HANGUL") for n in names):
        return 1
    return 2


def needs_shaping(text: str) -> bool:
    """True when the text is in a script that Pillow only draws right with raqm."""
    return any(unicodedata.name(ch, "").startswith(_SHAPED) for ch in text)


def shaping_error() -> PrinterError:
    """Arabic, Hebrew and Indic names drawn without raqm and FriBiDi would be garbled."""
    return PrinterError(
        "Names in Arabic, Hebrew or Indic scripts need text shaping, which this Pillow "
        "lacks. Install FriBiDi ('apt-get install libfribidi0') and restart the kiosk.",
        code="no_shaping",
    )


@lru_cache(maxsize=16)
def installed_fonts(
    bold: bool = True, cjk_index: int = 2
) -> tuple[tuple[FontChoice, Coverage], ...]:
    """The installed families in `FAMILIES` order with their coverage; Latin must be there."""
    found = []
    for family in FAMILIES:
        index = cjk_index if family.name == "cjk" else 0
        try:
            path = find_font(family.bold if bold else family.regular, family.package)
        except PrinterError:
            if family.name == "latin":
                raise
            continue
        try:
            coverage = font_coverage(str(path), index)
        except (ValueError, struct.error, OSError) as exc:  # a damaged or truncated font file
            raise PrinterError(
                f"The badge font {path} is damaged ({exc}). Reinstall it with 'apt-get install"
                f" --reinstall {family.package}', or remove the copy from {FONT_DIRS_ENV}.",
                code="font_broken",
            ) from None
        found.append((FontChoice(path, index, family.name), coverage))
    return tuple(found)
