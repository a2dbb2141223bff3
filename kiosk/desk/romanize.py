"""How Korean and Japanese names are spelled in Latin letters, so staff find them as people type.

Hangul reads syllable by syllable in Revised Romanization (민준 → minjun), but a surname is
usually written the older way: 김 is Kim as often as Gim, 이 is Lee, Yi or I, 박 is Park. Kana
read in Hepburn, the spelling of Japanese passports (きょうこ → kyouko, kyoko, kyohko). Kanji
carry no reading of their own, so a Japanese name written only in kanji is found by its kana or
Latin part when the name has one.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Common Korean surnames and their spellings: Revised Romanization first, then those in use.
SURNAMES: dict[str, tuple[str, ...]] = {
    "김": ("gim", "kim"), "이": ("i", "lee", "yi", "rhee"), "박": ("bak", "park", "pak"),
    "최": ("choe", "choi"), "정": ("jeong", "jung", "chung"), "강": ("gang", "kang"),
    "조": ("jo", "cho"), "윤": ("yun", "yoon"), "장": ("jang", "chang"), "임": ("im", "lim"),
    "한": ("han",), "오": ("o", "oh"), "서": ("seo", "suh"), "신": ("sin", "shin"),
    "권": ("gwon", "kwon"), "황": ("hwang",), "안": ("an", "ahn"), "송": ("song",),
    "유": ("yu", "yoo"), "류": ("ryu", "yu", "yoo"), "홍": ("hong",), "전": ("jeon", "chun"),
    "고": ("go", "ko"), "문": ("mun", "moon"), "양": ("yang",), "손": ("son", "sohn"),
    "배": ("bae",), "백": ("baek", "paik", "baik"), "허": ("heo", "hur", "huh"), "남": ("nam",),
    "심": ("sim", "shim"), "노": ("no", "noh", "roh"), "하": ("ha",), "곽": ("gwak", "kwak"),
    "성": ("seong", "sung"), "차": ("cha",), "주": ("ju", "joo", "chu"), "우": ("u", "woo"),
    "구": ("gu", "koo", "ku"), "민": ("min",), "나": ("na", "ra"), "진": ("jin",),
    "지": ("ji",), "엄": ("eom", "um"), "채": ("chae",), "원": ("won",), "천": ("cheon", "chun"),
    "방": ("bang",), "공": ("gong", "kong"), "현": ("hyeon", "hyun"), "함": ("ham",),
    "변": ("byeon", "byun"), "염": ("yeom", "yum"), "여": ("yeo", "yuh"), "추": ("chu", "choo"),
    "도": ("do", "doh"), "석": ("seok", "suk"), "선": ("seon", "sun"), "설": ("seol", "sul"),
    "길": ("gil", "kil"), "연": ("yeon",), "표": ("pyo",), "명": ("myeong", "myung"),
    "기": ("gi", "ki"), "반": ("ban",), "왕": ("wang",), "금": ("geum", "keum"),
    "육": ("yuk",), "맹": ("maeng",), "탁": ("tak",), "국": ("guk", "kook"),
    "은": ("eun",), "편": ("pyeon", "pyun"), "경": ("gyeong", "kyung"), "봉": ("bong",),
    "남궁": ("namgung", "namkung"), "황보": ("hwangbo",), "제갈": ("jegal",),
    "선우": ("seonu", "sunwoo"), "독고": ("dokgo",), "사공": ("sagong",), "서문": ("seomun",),
}  # fmt: skip
# Each spelling, written in Latin letters, also stands for the other spellings of its surnames.
_BY_SPELLING: dict[str, set[str]] = {}
for _spellings in SURNAMES.values():
    for _spelling in _spellings:
        _BY_SPELLING.setdefault(_spelling, set()).update(_spellings)

HANGUL = re.compile("[\uac00-\ud7a3]+")
KANA = re.compile("[\u3041-\u3096\u309d\u309e\u30a1-\u30fa\u30fc-\u30fe]+")
_HEPBURN = {"si": "shi", "ti": "chi", "tu": "tsu", "hu": "fu", "zi": "ji", "di": "ji",
            "du": "zu", "wo": "o", "wi": "i", "we": "e"}  # fmt: skip
_VOWELS = "aeiou"


_INITIALS = (
    "g", "kk", "n", "d", "tt", "r", "m", "b", "pp", "s", "ss", "-", "j", "jj", "ch", "k",
    "t", "p", "h"
)  # fmt: skip
_MEDIALS = (
    "a", "ae", "ya", "yae", "eo", "e", "yeo", "ye", "o", "wa", "wae", "oe", "yo", "u",
    "wo", "we", "wi", "yu", "eu", "ui", "i"
)  # fmt: skip
_FINALS = (
    "-", "k", "k", "k", "n", "n", "n", "t", "l", "k", "m", "l", "l", "l", "p", "l", "m",
    "p", "p", "t", "t", "ng", "t", "t", "k", "t", "p", "t"
)  # fmt: skip


def syllable(ch: str) -> str:
    """One Hangul syllable in Revised Romanization, as written alone: 박 → bak, 김 → gim."""
    index = ord(ch) - 0xAC00
    initial, rest = divmod(index, 21 * 28)
    medial, final = divmod(rest, 28)
    return "".join(p for p in (_INITIALS[initial], _MEDIALS[medial], _FINALS[final]) if p != "-")


def hangul_syllables(text: str) -> str:
    """Hangul syllables read one by one, each a word of its own (김민준 → gim min jun)."""
    return HANGUL.sub(lambda m: "".join(f" {syllable(ch)} " for ch in m.group()), text)


def _syllables(word: str) -> list[str]:
    return [syllable(ch) for ch in word]


def hangul_words(text: str) -> list[str]:
    """Latin spellings of the Korean words in `text` beyond one token per syllable.

    김민준 → gimminjun, kim, gim, minjun: the whole word, the surname's spellings and the
    given name in one piece (the way it is written in Latin letters: Min-jun, Minjun).
    """
    found: list[str] = []
    for word in HANGUL.findall(text):
        syllables = _syllables(word)
        if len(word) > 1:
            found.append("".join(syllables))
        surname = word[:2] if word[:2] in SURNAMES else word[:1]
        if surname in SURNAMES:
            found += SURNAMES[surname]
            given = syllables[len(surname) :]
            if len(given) > 1:
                found.append("".join(given))
    return found


def surname_spellings(word: str) -> set[str]:
    """The other spellings of a Korean surname written in Latin letters (Park → bak, pak)."""
    return _BY_SPELLING.get(word, set())


@lru_cache(maxsize=256)
def _kana(ch: str) -> tuple[str, bool] | None:
    """A kana's Hepburn reading and whether it is a small kana, from its Unicode name."""
    name = unicodedata.name(ch, "")
    for script in ("HIRAGANA LETTER ", "KATAKANA LETTER "):
        if name.startswith(script):
            reading = name.removeprefix(script).lower()
            small = reading.startswith("small ")
            reading = reading.removeprefix("small ")
            return _HEPBURN.get(reading, reading), small
    return None


def hepburn(kana: str) -> str:
    """Kana as typed in Hepburn, long vowels written out: きょうこ → kyouko, ユーコ → yuuko."""
    out: list[str] = []
    double = False  # a small tsu doubles the next consonant: さっぽろ → sapporo
    for ch in kana:
        if ch in "ーｰ":
            if out and out[-1][-1] in _VOWELS:
                out.append(out[-1][-1])
            continue
        found = _kana(ch)
        if found is None:
            continue
        reading, small = found
        prev = out[-1] if out else ""
        if small and reading == "tsu":
            double = True
            continue
        if small and reading in ("ya", "yu", "yo") and len(prev) > 1 and prev.endswith("i"):
            stem = prev[:-1]  # き+ゃ → kya, し+ゃ → sha, ち+ゃ → cha, じ+ゃ → ja
            out[-1] = stem + (reading[1] if stem.endswith(("sh", "ch", "j")) else reading)
            continue
        if small and reading in _VOWELS and (len(prev) > 1 or prev == "u"):
            out[-1] = ("w" if prev == "u" else prev[:-1]) + reading  # ファ → fa, ティ → ti
            continue
        if double and reading[0] not in _VOWELS:
            reading = ("t" if reading.startswith("ch") else reading[0]) + reading
        double = False
        out.append(reading)
    return "".join(out)


def kana_spellings(word: str) -> set[str]:
    """The ways a Hepburn reading is written: long vowels doubled, dropped or as "oh", and "m"
    before b, m, p (ゆうこ → yuuko, yuko; おおの → oono, ono, ohno; ほんま → honma, homma)."""
    short = re.sub("o[ou]", "o", word).replace("uu", "u")
    forms = {word, short, re.sub("o[ou]", "oh", word)}
    return forms | {re.sub("n(?=[bmp])", "m", f) for f in forms}
