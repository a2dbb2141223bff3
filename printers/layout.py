"""Badge layout: a Badge and a Template in, a Pillow image at the printer's resolution out.

`plan_badge` decides everything (fonts, sizes, lines, positions) without drawing, so tests
can check that no text leaves its box; `render_badge` draws that plan.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, ImageDraw, ImageOps

from printers.badge import Badge
from printers.fit import Fitted, fit_text
from printers.fonts import cjk_face
from printers.qr import QrPlan, draw_qr, plan_qr
from printers.runs import FontSet, Run
from printers.templates import Template, TextField, band_colour, get_template, mm_to_px

WHITE, BLACK = (255, 255, 255), (0, 0, 0)


@dataclass(frozen=True)
class PlacedText:
    """A fitted piece of text and exactly where its lines go, in dots."""

    source: str
    text: str
    box: tuple[int, int, int, int]
    fonts: FontSet
    fitted: Fitted
    top: int  # y of the block's top edge; baselines are relative to it

    def anchors(self) -> list[tuple[tuple[int, int], str]]:
        """Origin (left, baseline) and text of each line, for ImageDraw's "ls" anchor."""
        f = self.fitted
        return [
            ((self.box[0] + left, self.top + baseline), line)
            for left, baseline, line in zip(f.lefts, f.baselines, f.lines, strict=True)
        ]

    def runs(self) -> list[Run]:
        """Every run of every line as drawn, left to right, line by line."""
        return [run for line in self.fitted.lines for run in self.fonts.runs(line)]

    @property
    def missing(self) -> str:
        """Characters drawn as empty boxes because no installed font has them."""
        found = "".join(r.text for r in self.runs() if r.missing)
        return "".join(dict.fromkeys(ch for ch in found if not ch.isspace()))


@dataclass(frozen=True)
class BadgePlan:
    """Every decision about one badge, ready to draw."""

    template: Template
    texts: tuple[PlacedText, ...]
    band: tuple[int, int, int, int] | None
    band_rgb: tuple[int, int, int]
    qr: QrPlan | None
    qr_origin: tuple[int, int]
    logo_box: tuple[int, int, int, int] | None

    @property
    def needs_review(self) -> bool:
        """A name had to be shortened with an ellipsis."""
        return any(t.fitted.shortened for t in self.texts)

    @property
    def missing(self) -> str:
        """Characters of any text that would print as empty boxes: the badge must be held."""
        return "".join(dict.fromkeys("".join(t.missing for t in self.texts)))


def _rgb(hex_colour: str) -> tuple[int, int, int]:
    return tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]


def _place(
    source: str, text: str, box: tuple[int, int, int, int], field: TextField, dpi: int, lang: str
) -> PlacedText:
    """Fit the text with a font per run (an ellipsis, if needed, is a run like any other)."""
    fonts = FontSet(field.bold, cjk_face(text, lang))
    w, h = box[2] - box[0], box[3] - box[1]
    fitted = fit_text(text, fonts.at, w, h, mm_to_px(field.min_mm, dpi),
                      mm_to_px(field.max_mm, dpi), field.max_lines)  # fmt: skip
    return PlacedText(source, text, box, fonts, fitted, box[1] + (h - fitted.height) // 2)


def plan_badge(badge: Badge, template: Template | str | None = None) -> BadgePlan:
    """Decide fonts, sizes, lines and positions for one badge."""
    t = template if isinstance(template, Template) else get_template(template)
    dpi = t.dpi
    texts = []
    for field in t.fields:
        text = badge.field(field.source).strip()
        if text:
            texts.append(_place(field.source, text, field.box.px(dpi), field, dpi, badge.language))
    band = t.band.px(dpi) if t.band else None
    logo_box = None
    if band:
        text_box = _inset(band, mm_to_px(2, dpi))
        if t.logo:
            logo_box = t.logo.px(dpi)
        band_field = TextField("ticket_type", t.band, t.band_text_mm, t.band_text_mm * 0.5, 1)
        label = badge.field("ticket_type").strip()
        if label:
            texts.append(_place("ticket_type", label, text_box, band_field, dpi, badge.language))
    qr, origin = None, (0, 0)
    if t.qr and badge.code:
        left, top, right, bottom = t.qr.px(dpi)
        qr = plan_qr(badge.code, min(right - left, bottom - top), t.qr_min_dots)
        origin = (left + (right - left - qr.size_px) // 2, top + (bottom - top - qr.size_px) // 2)
    colour = BLACK if t.mono else _rgb(band_colour(badge.ticket_type))
    return BadgePlan(t, tuple(texts), band, colour, qr, origin, logo_box)


def _inset(box: tuple[int, int, int, int], d: int) -> tuple[int, int, int, int]:
    return box[0] + d, box[1] + d // 2, box[2] - d, box[3] - d // 2


def render_badge(
    badge: Badge, template: Template | str | None = None, *, logo: Image.Image | None = None
) -> Image.Image:
    """The badge as an RGB image at the template's dpi (pure black and white if mono)."""
    plan = plan_badge(badge, template)
    return draw_plan(plan, logo=logo)


def draw_plan(plan: BadgePlan, *, logo: Image.Image | None = None) -> Image.Image:
    """Draw a plan: band, logo, texts, QR code."""
    t = plan.template
    image = Image.new("RGB", t.size_px, WHITE)
    draw = ImageDraw.Draw(image)
    if plan.band:
        draw.rectangle(
            (plan.band[0], plan.band[1], plan.band[2] - 1, plan.band[3] - 1), fill=plan.band_rgb
        )
    if logo is not None and plan.logo_box:
        _paste_logo(image, logo, plan.logo_box, t.mono)
    band_text = WHITE if _luma(plan.band_rgb) < 150 else BLACK
    for placed in plan.texts:
        colour = band_text if placed.source == "ticket_type" else BLACK
        fonts = placed.fonts.at(placed.fitted.size_px)
        for xy, line in placed.anchors():
            fonts.draw(draw, xy, line, colour)
    if plan.qr:
        image.paste(draw_qr(plan.qr).convert("RGB"), plan.qr_origin)
    if t.mono:
        image = image.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("RGB")
    return image


def _luma(rgb: tuple[int, int, int]) -> float:
    return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2]


def _paste_logo(
    image: Image.Image, logo: Image.Image, box: tuple[int, int, int, int], mono: bool
) -> None:
    """Fit the logo inside its box, keeping its proportions; dithered on mono printers."""
    w, h = box[2] - box[0], box[3] - box[1]
    fitted = ImageOps.contain(logo.convert("RGBA"), (w, h), Image.Resampling.LANCZOS)
    if mono:
        grey = fitted.convert("L").convert("1").convert("RGBA")
        grey.putalpha(fitted.getchannel("A"))
        fitted = grey
    x, y = box[0] + (w - fitted.width) // 2, box[1] + (h - fitted.height) // 2
    image.paste(fitted, (x, y), fitted)
