"""Folding text for search: one ASCII form for what a person types and what is stored.

José → jose, Guðmundsdóttir → gudmundsdottir, Nguyễn → nguyen, O'Brien → obrien (and o, brien),
王小明 → wang xiao ming (one token per character, since Han and Hangul are written without
spaces), きょうこ → kyouko (kana read as a word, in Hepburn). The same fold runs on both sides,
so any script is findable by what staff can type; `name_variants` adds, on the index side only,
the other ways a name is spelled in Latin letters (kiosk.desk.romanize).
"""

from __future__ import annotations

import re
from functools import lru_cache

from anyascii import anyascii

from kiosk.desk.romanize import (
    HANGUL,
    KANA,
    hangul_syllables,
    hangul_words,
    hepburn,
    kana_spellings,
    surname_spellings,
)

# Han: written without spaces between words, so one token per character.
_NO_SPACE_SCRIPT = re.compile("([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f])")
_HANGUL_OR_KANA = re.compile(f"{HANGUL.pattern}|{KANA.pattern}")
_JOINERS = re.compile(r"(?<=\w)['’`ʼ.\-‐](?=\w)")
_NOT_WORD = re.compile(r"[^a-z0-9]+")


def _ascii(text: str) -> str:
    if text.isascii():
        return text.lower()
    text = hangul_syllables(KANA.sub(lambda m: f" {hepburn(m.group())} ", text))
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


@lru_cache(maxsize=8192)
def name_variants(text: str) -> str:
    """The variants of a name plus its other Latin spellings, for the index: 김민준 also as
    kim, gim, minjun; Park also as bak; ゆうこ also as yuko; each word once, in order."""
    words = fold_variants(text).split()
    words += hangul_words(text)
    for kana in KANA.findall(text):
        words += sorted(kana_spellings(hepburn(kana)))
    for latin in fold(_HANGUL_OR_KANA.sub(" ", text)).split():
        words += sorted(surname_spellings(latin))
    return " ".join(dict.fromkeys(words))
