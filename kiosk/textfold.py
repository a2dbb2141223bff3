"""Folding text for search: one ASCII form for what a person types and what is stored.

José → jose, Guðmundsdóttir → gudmundsdottir, Nguyễn → nguyen, O'Brien → obrien (and o, brien),
王小明 → wang xiao ming (one token per character, since CJK is written without spaces).
The same fold runs on both sides, so any script is findable by what staff can type.
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

# Han, kana, Hangul syllables: scripts written without spaces between words.
_NO_SPACE_SCRIPT = re.compile(
    "([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\U00020000-\U0002fa1f])"
)
_JOINERS = re.compile(r"(?<=\w)['’`ʼ.\-‐](?=\w)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    if text.isascii():
        return text.lower()
    return anyascii(_NO_SPACE_SCRIPT.sub(r" \1 ", text)).lower()


def fold(text: str) -> str:
    """Lower-case ASCII words separated by single spaces; punctuation inside words dropped."""
    return " ".join(_NOT_WORD.sub(" ", _JOINERS.sub("", _ascii(text))).split())


@lru_cache(maxsize=8192)
def fold_variants(text: str) -> str:
    """The fold, plus the parts of joined words (O'Brien → obrien o brien) for the index."""
    ascii_text = _ascii(text)
    words = _NOT_WORD.sub(" ", _JOINERS.sub("", ascii_text)).split()
    extra = [w for w in _NOT_WORD.sub(" ", ascii_text).split() if w not in words]
    return " ".join(words + extra)
