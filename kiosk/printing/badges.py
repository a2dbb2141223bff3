"""From an attendee row to a badge: the data on it, its template, and the preview files."""

from __future__ import annotations

import sqlite3
import unicodedata
from collections.abc import Iterator, Mapping
from typing import Any

from printers import Badge, PrinterError, Template, badge_pdf, encode_png, get_template, plan_badge
from printers import render_badge as _render
from printers.layout import draw_plan

# badge.png / badge.pdf and the desk preview: a colour 4×3 in badge at 300 dpi.
PREVIEW_TEMPLATE = "4x3"
PREVIEW_DPI = 300
# Fields whose fitted text is "the name as printed" in the badge_printed op.
NAME_FIELDS = ("first_name", "last_name", "full_name")


def badge_for(row: Mapping[str, Any]) -> Badge:
    """The badge of one attendee row; the language hint picks Japanese or Korean glyph forms."""
    name = f"{row['first_name']} {row['last_name']}"
    return Badge(first_name=row["first_name"], last_name=row["last_name"],
                 company=row["company"], ticket_type=row["ticket_type"] or "Attendee",
                 code=row["code"] or row["attendee_id"], language=_language_hint(name))  # fmt: skip


def _language_hint(text: str) -> str:
    """Kana means Japanese and Hangul Korean; other Han text keeps the font's default forms."""
    for ch in text:
        name = unicodedata.name(ch, "")
        if name.startswith(("HIRAGANA", "KATAKANA")):
            return "ja"
        if name.startswith("HANGUL"):
            return "ko"
    return ""


def preview_template(name: str | None = None) -> Template:
    """A built-in template in colour at 300 dpi; raises PrinterError for an unknown name."""
    return get_template(name or PREVIEW_TEMPLATE).at(dpi=PREVIEW_DPI, mono=False)


def badge_png(row: Mapping[str, Any], template: str | None = None) -> bytes:
    """The badge as a PNG file, as the desk preview and GET …/badge.png show it."""
    t = preview_template(template)
    return encode_png(_render(badge_for(row), t), t.dpi)


def badge_pdf_file(row: Mapping[str, Any], template: str | None = None) -> bytes:
    """The badge as a one-page PDF at its exact size."""
    t = preview_template(template)
    return badge_pdf([_render(badge_for(row), t)], t.dpi)


def printed_name(badge: Badge, template: Template) -> tuple[str, bool, str]:
    """The name exactly as the badge shows it, whether it had to be shortened, and the
    characters of any text on it that no installed font has (the badge is then held)."""
    plan = plan_badge(badge, template)
    parts = [" ".join(t.fitted.lines) for t in plan.texts if t.source in NAME_FIELDS]
    return " ".join(p for p in parts if p), plan.needs_review, plan.missing


def code_points(chars: str) -> list[tuple[str, str]]:
    """Each character with its U+ number: a screen may lack the same fonts as the printer."""
    return [(ch, f"U+{ord(ch):04X}") for ch in chars]


def batch_rows(db: sqlite3.Connection, ticket_type: str | None = None) -> list[sqlite3.Row]:
    """Valid attendees for pre-printed sheets, in the order people look them up: by name."""
    sql = "SELECT * FROM attendee WHERE status = 'valid'"
    args: tuple[str, ...] = ()
    if ticket_type:
        sql, args = sql + " AND ticket_type = ? COLLATE NOCASE", (ticket_type,)
    return db.execute(sql + " ORDER BY last_name COLLATE NOCASE, first_name COLLATE NOCASE",
                      args).fetchall()  # fmt: skip


def rendered(
    rows: list[sqlite3.Row], template: Template, done: Any = None, missing: Any = None
) -> Iterator[Any]:
    """Badge images one at a time (a batch never holds more than a sheet); `done(1)` per badge,
    `missing(row, chars)` for a badge that shows characters no installed font has as boxes."""
    for row in rows:
        plan = plan_badge(badge_for(row), template)
        if plan.missing and missing is not None:
            missing(row, plan.missing)
        yield draw_plan(plan)
        if done is not None:
            done(1)


__all__ = [
    "PrinterError",
    "badge_for",
    "badge_pdf_file",
    "badge_png",
    "code_points",
    "printed_name",
]
