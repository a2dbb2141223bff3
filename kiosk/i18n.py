"""Which language an answer is in: the configured languages, the visitor's choice, the switch.

Adding a language is configuration plus a translation catalogue: nothing here names one,
apart from how it calls itself on the switch where Babel's name is not what people say.
"""

from __future__ import annotations

from flask import Flask, current_app
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import parse_accept_header

# How a language names itself on the switch, where Babel's own name is not what people say.
_LANGUAGE_LABELS = {"id": "Bahasa Indonesia"}


def languages(app: Flask) -> tuple[str, ...]:
    """The configured language codes, first the default (read once per setting)."""
    raw = app.config["LANGUAGES"]
    cached = app.extensions.get("kiosk.languages")
    if cached is None or cached[0] != raw:
        codes = tuple(c.strip() for c in raw.split(",") if c.strip())
        cached = app.extensions["kiosk.languages"] = (raw, codes)
    return cached[1]


def choose_language(asked: str | None, accept: str, offered: tuple[str, ...]) -> str:
    """The language of an answer: one asked for (?lang= or the lang cookie) if offered, else
    the best match of the Accept-Language header, else the first offered."""
    if asked in offered:
        return asked
    return parse_accept_header(accept, LanguageAccept).best_match(offered) or offered[0]


def language_choices() -> list[tuple[str, str]]:
    """(code, name in that language) for every configured language: a new one needs no code."""
    from babel import Locale

    return [(c, _LANGUAGE_LABELS.get(c) or Locale.parse(c).get_display_name(c).capitalize())
            for c in languages(current_app)]  # fmt: skip
