"""A report as PDF: a title, then sections of text and tables, in the badges' Noto fonts.

Day logs and post-event reports are read on paper, in disputes and in archives, so they are
real text (searchable, copyable), in fonts that write every name the desk can show. fpdf2 does
the page layout: tables that break across pages with their header repeated, which would be a
lot of our own code for something a small, well-kept library does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fpdf import FPDF
from fpdf.fonts import FontFace

from printers.fonts import find_font

FAMILY = "NotoSans"


@dataclass(frozen=True)
class Section:
    """A heading, optional lines of text, and an optional table (first row of `columns`)."""

    heading: str
    lines: Sequence[str] = ()
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[object]] = field(default_factory=list)
    widths: Sequence[int] | None = None  # relative column widths; equal when None
    empty: str = "—"  # shown when a table has no rows


def _document(title: str) -> FPDF:
    pdf = FPDF(orientation="portrait", unit="mm", format="A4")
    pdf.set_title(title)
    pdf.set_creator("Kiosk")
    pdf.add_font(FAMILY, "", str(find_font("NotoSans-Regular.ttf")))
    pdf.add_font(FAMILY, "B", str(find_font("NotoSans-Bold.ttf")))
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    return pdf


def _table(pdf: FPDF, section: Section) -> None:
    if not section.rows:
        pdf.set_font(FAMILY, "", 10)
        pdf.multi_cell(0, 6, section.empty, new_x="LMARGIN", new_y="NEXT")
        return
    pdf.set_font(FAMILY, "", 9)
    with pdf.table(
        col_widths=tuple(section.widths) if section.widths else None,
        headings_style=FontFace(emphasis="BOLD", fill_color=(230, 230, 230)),
        line_height=5,
        text_align="LEFT",
    ) as table:
        for values in (section.columns, *section.rows):
            row = table.row()
            for value in values:
                row.cell("" if value is None else str(value))


def report_pdf(title: str, subtitle: str, sections: Sequence[Section]) -> bytes:
    """The whole document; raises PrinterError (with what to install) if a font is missing."""
    pdf = _document(title)
    pdf.set_font(FAMILY, "B", 16)
    pdf.multi_cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FAMILY, "", 10)
    pdf.multi_cell(0, 6, subtitle, new_x="LMARGIN", new_y="NEXT")
    for section in sections:
        pdf.ln(4)
        pdf.set_font(FAMILY, "B", 12)
        pdf.multi_cell(0, 7, section.heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FAMILY, "", 10)
        for line in section.lines:
            pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        if section.columns:
            _table(pdf, section)
    return bytes(pdf.output())
