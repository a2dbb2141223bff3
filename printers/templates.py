"""Badge templates: paper size in mm, resolution, and where each part goes."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

MM_PER_INCH = 25.4


@dataclass(frozen=True)
class Box:
    """A rectangle in millimetres from the badge's top-left corner."""

    x: float
    y: float
    w: float
    h: float

    def px(self, dpi: int) -> tuple[int, int, int, int]:
        """The same rectangle in printer dots, as (left, top, right, bottom)."""
        left, top = mm_to_px(self.x, dpi), mm_to_px(self.y, dpi)
        return left, top, mm_to_px(self.x + self.w, dpi), mm_to_px(self.y + self.h, dpi)


@dataclass(frozen=True)
class TextField:
    """A piece of badge text fitted into its box: shrink, then wrap, then ellipsis."""

    source: str  # Badge attribute: first_name, last_name, full_name, company, code
    box: Box
    max_mm: float  # font size (em height) in mm when the text is short
    min_mm: float  # never smaller than this: wrap or shorten instead
    max_lines: int = 2
    bold: bool = True


@dataclass(frozen=True)
class Template:
    """Everything the layout needs except the person: size, resolution and boxes."""

    name: str
    description: str
    width_mm: float
    height_mm: float
    dpi: int
    fields: tuple[TextField, ...]
    band: Box | None = None  # colour band with the ticket type in it
    band_text_mm: float = 6.0
    qr: Box | None = None
    logo: Box | None = None
    mono: bool = False  # thermal printers: black and white only

    @property
    def size_px(self) -> tuple[int, int]:
        """Badge size in dots at this template's resolution."""
        return mm_to_px(self.width_mm, self.dpi), mm_to_px(self.height_mm, self.dpi)

    @property
    def qr_min_dots(self) -> int:
        """Smallest QR module in dots: 4 at 203 dpi, scaled up for finer printers (0.5 mm)."""
        return max(4, math.ceil(4 * self.dpi / 203 - 1e-9))

    def at(self, dpi: int | None = None, mono: bool | None = None) -> Template:
        """The same template for a printer with another resolution or no colour."""
        return replace(
            self,
            dpi=self.dpi if dpi is None else dpi,
            mono=self.mono if mono is None else mono,
        )


def mm_to_px(mm: float, dpi: int) -> int:
    """Millimetres to whole printer dots."""
    return round(mm * dpi / MM_PER_INCH)


# Ticket type colours, chosen to stay distinct for the common colour-vision deficiencies
# and dark enough for white text. Keys are lower case; matching ignores case and spaces.
TICKET_COLOURS: dict[str, str] = {
    "attendee": "#1f5fbf",
    "speaker": "#c0262d",
    "vip": "#8a6d00",
    "sponsor": "#1a7f37",
    "exhibitor": "#7a3fc2",
    "staff": "#111111",
    "press": "#b35900",
    "volunteer": "#b35900",
    "day": "#0a7b83",  # one-day tickets: "Day pass", "Monday", "Day 1", "One-day"
}
NEUTRAL_COLOUR = "#6e7781"
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def band_colour(ticket_type: str) -> str:
    """The band colour for a ticket type; unknown types get a neutral grey."""
    key = ticket_type.strip().lower()
    if key in TICKET_COLOURS:
        return TICKET_COLOURS[key]
    if "day" in key or any(day in key for day in _WEEKDAYS):
        return TICKET_COLOURS["day"]
    for name, colour in TICKET_COLOURS.items():
        if name in key.split():
            return colour
    return NEUTRAL_COLOUR


def _landscape(name: str, description: str, w: float, h: float, dpi: int, mono: bool) -> Template:
    """Band on top, names across, company and code left of a QR in the bottom-right corner."""
    m = max(3.0, w * 0.04)
    band_h = h * 0.15
    qr = min(h * 0.40, 30.0)
    first = Box(m, band_h + 1.5, w - 2 * m, h * 0.22)
    last = Box(m, first.y + first.h, w - 2 * m, h * 0.14)
    bottom = h - m - qr
    return Template(
        name=name,
        description=description,
        width_mm=w,
        height_mm=h,
        dpi=dpi,
        mono=mono,
        band=Box(0, 0, w, band_h),
        band_text_mm=band_h * 0.5,
        fields=(
            *_names(first, last),
            TextField(
                "company",
                Box(m, bottom + 1, w - 3 * m - qr, qr * 0.5),
                max_mm=qr * 0.3,
                min_mm=2.2,
                bold=False,
            ),
        ),
        qr=Box(w - m - qr, bottom, qr, qr),
    )


def _names(first: Box, last: Box) -> tuple[TextField, TextField]:
    """The two name lines every layout has: large, shrinking to about a third before wrapping."""
    return (
        TextField("first_name", first, max_mm=first.h * 0.8, min_mm=max(first.h * 0.3, 4.0)),
        TextField("last_name", last, max_mm=last.h * 0.8, min_mm=max(last.h * 0.3, 3.0)),
    )


def _portrait(name: str, description: str, w: float, h: float, dpi: int, mono: bool) -> Template:
    """Band on top, big names, company, then a large centred QR and its code below."""
    m = max(3.0, w * 0.05)
    band_h = h * 0.11
    first = Box(m, band_h + 3, w - 2 * m, h * 0.16)
    last = Box(m, first.y + first.h, w - 2 * m, h * 0.11)
    company = Box(m, last.y + last.h + 1, w - 2 * m, h * 0.08)
    code_h = max(3.0, h * 0.03)
    qr = min(w * 0.45, h - (company.y + company.h) - code_h - m - 2)
    qr_y = h - m - code_h - qr
    return Template(
        name=name,
        description=description,
        width_mm=w,
        height_mm=h,
        dpi=dpi,
        mono=mono,
        band=Box(0, 0, w, band_h),
        band_text_mm=band_h * 0.45,
        fields=(
            *_names(first, last),
            TextField("company", company, max_mm=company.h * 0.6, min_mm=2.5, bold=False),
            TextField("code", Box(m, h - m - code_h, w - 2 * m, code_h), 2.5, 1.5, 1, bold=False),
        ),
        qr=Box((w - qr) / 2, qr_y, qr, qr),
    )


# 62 mm Brother tape prints 696 dots at 300 dpi; the template is that printable width.
_BROTHER_62_W = 696 * MM_PER_INCH / 300

# 80 mm receipt paper prints 576 dots at 203 dpi (72 mm).
_RECEIPT_80_W = 576 * MM_PER_INCH / 203

TEMPLATES: dict[str, Template] = {
    t.name: t
    for t in (
        _landscape("4x3", "4×3 in label (Zebra, DYMO 4XL)", 101.6, 76.2, 203, True),
        _portrait("4x6", "4×6 in label or fold-over badge", 101.6, 152.4, 203, True),
        _portrait("a6", "A6 card in an office printer", 105.0, 148.0, 300, False),
        _landscape("cr80", "CR80 plastic card (card printers)", 85.6, 53.98, 300, False),
        _portrait("brother-62", "Brother 62 mm tape, 100 mm long", _BROTHER_62_W, 100.0, 300, True),
        _portrait("receipt-80", "80 mm receipt paper (ESC/POS)", _RECEIPT_80_W, 100.0, 203, True),
        _portrait(
            "brother-62x100",
            "Brother 62×100 mm die-cut label",
            _BROTHER_62_W,
            1109 * 25.4 / 300,
            300,
            True,
        ),
    )
}
DEFAULT_TEMPLATE = "4x3"


def get_template(name: str | None = None) -> Template:
    """A built-in template by name; the error lists the names that exist."""
    key = (name or DEFAULT_TEMPLATE).strip().lower()
    try:
        return TEMPLATES[key]
    except KeyError:
        from printers.base import PrinterError

        names = ", ".join(TEMPLATES)
        raise PrinterError(
            f"Unknown badge template {name!r}; choose one of: {names}.", code="bad_template"
        ) from None
