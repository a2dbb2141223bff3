"""Badge layout: nothing outside its box, no missing glyphs, readable QR codes, colours."""

from __future__ import annotations

import itertools

import pytest
from PIL import Image, ImageChops, ImageDraw, ImageFont, features
from printer_names import HARD

from printers import TEMPLATES, Badge, band_colour, get_template, plan_badge, render_badge
from printers.cmap import font_coverage
from printers.layout import draw_plan
from printers.qr import QUIET_ZONE
from printers.templates import NEUTRAL_COLOUR, TICKET_COLOURS
from tests.support.qr import read_qr

CASES = [(t, n) for t in TEMPLATES for n in HARD]


def test_this_pillow_shapes_complex_scripts():
    # Without raqm, Arabic comes out as unjoined letters, left to right.
    assert features.check("raqm")


@pytest.mark.parametrize(("template", "name"), CASES)
def test_text_stays_inside_its_box(template, name):
    plan = plan_badge(HARD[name], template)
    for placed in plan.texts:
        fonts = placed.fonts.at(placed.fitted.size_px)
        for (x, y), line in placed.anchors():
            left, top, right, bottom = fonts.getbbox(line)
            left, top, right, bottom = left + x, top + y, right + x, bottom + y
            box = placed.box
            assert box[0] <= left and right <= box[2], (placed.source, line, "too wide")
            assert box[1] <= top and bottom <= box[3], (placed.source, line, "too tall")


@pytest.mark.parametrize(("template", "name"), CASES)
def test_no_ink_outside_the_planned_areas(template, name):
    # Paint every planned area white; whatever ink is left was drawn where it must not be.
    plan = plan_badge(HARD[name], template)
    image = draw_plan(plan).convert("L")
    eraser = ImageDraw.Draw(image)
    areas = [p.box for p in plan.texts] + ([plan.band] if plan.band else [])
    if plan.qr:
        x, y = plan.qr_origin
        areas.append((x, y, x + plan.qr.size_px, y + plan.qr.size_px))
    for left, top, right, bottom in areas:
        eraser.rectangle((left, top, right - 1, bottom - 1), fill=255)
    assert image.point(lambda v: 255 if v > 250 else 0).getextrema() == (255, 255)


@pytest.mark.parametrize("name", HARD)
def test_every_character_has_a_glyph_in_its_font(name):
    plan = plan_badge(HARD[name], "a6")
    for placed in plan.texts:
        for run in placed.runs():
            coverage = font_coverage(str(run.font.path), run.font.index)
            assert coverage.missing(run.text) == "", (placed.source, run)


@pytest.mark.parametrize(
    ("name", "family"),
    [
        ("latin", "latin"),
        ("vietnamese", "latin"),
        ("cjk", "cjk"),
        ("arabic", "arabic"),
        ("devanagari", "devanagari"),
    ],
)
def test_fonts_are_chosen_per_script(name, family):
    first = next(p for p in plan_badge(HARD[name], "4x3").texts if p.source == "first_name")
    assert {run.font.family for run in first.runs()} == {family}


def test_cjk_glyph_forms_follow_the_language():
    def face(badge: Badge) -> int:
        return plan_badge(badge, "4x3").texts[0].runs()[0].font.index

    assert face(HARD["cjk"]) == 2  # Simplified Chinese
    assert face(HARD["japanese"]) == 0
    assert face(HARD["korean"]) == 1
    assert face(Badge("美玲", "陳", language="zh-TW")) == 3


def _ink(font: ImageFont.FreeTypeFont, text: str, **kwargs: str) -> Image.Image:
    image = Image.new("L", (800, 300), 255)
    ImageDraw.Draw(image).text((20, 200), text, font=font, fill=0, anchor="ls", **kwargs)
    return image


def test_arabic_is_shaped_and_right_to_left():
    placed = next(p for p in plan_badge(HARD["arabic"], "a6").texts if p.source == "first_name")
    arabic = placed.runs()[0].font
    font = arabic.at(120)
    assert font.layout_engine == ImageFont.Layout.RAQM
    basic = ImageFont.truetype(str(arabic.path), 120, layout_engine=ImageFont.Layout.BASIC)
    first, second = "محمد", "العلي"
    # Shaping changes the glyphs: joined forms, not the isolated letters of the basic layout.
    assert ImageChops.difference(_ink(font, first), _ink(basic, first)).getbbox() is not None
    # Right to left: the first word ends up on the right. Split the line at its widest gap.
    line = _ink(font, f"{first} {second}")
    columns = [line.crop((x, 0, x + 1, line.height)).getextrema()[0] < 128 for x in range(800)]
    inked = [x for x, dark in enumerate(columns) if dark]
    gaps = [(b - a, a, b) for a, b in itertools.pairwise(inked) if b - a > 1]
    _size, gap_left, gap_right = max(gaps)
    right_part = inked[-1] - gap_right + 1
    assert abs(right_part - _width(font, first)) <= 3
    assert abs(gap_left - inked[0] + 1 - _width(font, second)) <= 3


def _width(font: ImageFont.FreeTypeFont, text: str) -> int:
    box = _ink(font, text).point(lambda v: 255 - v).getbbox()
    return box[2] - box[0]


def test_devanagari_vowel_sign_is_reordered():
    placed = next(p for p in plan_badge(HARD["devanagari"], "a6").texts if p.source == "first_name")
    devanagari = placed.runs()[0].font
    basic = ImageFont.truetype(str(devanagari.path), 120, layout_engine=ImageFont.Layout.BASIC)
    # "कि": the i-matra is written after the consonant but drawn before it; only shaping does that.
    assert ImageChops.difference(_ink(devanagari.at(120), "कि"), _ink(basic, "कि")).getbbox()


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("name", ["latin", "arabic", "german60"])
def test_qr_reads_back_the_attendee_code(template, name, tmp_path):
    badge = HARD[name]
    assert read_qr(render_badge(badge, template)) == [badge.code]


@pytest.mark.parametrize("template", TEMPLATES)
def test_qr_modules_are_whole_dots_and_big_enough(template):
    t = get_template(template)
    plan = plan_badge(HARD["latin"], t)
    assert plan.qr.dots >= t.qr_min_dots >= 4
    if t.dpi == 203:
        assert t.qr_min_dots == 4
    # Walk the top-left finder pattern's first dark row: 7 modules of exactly `dots` each.
    image = render_badge(HARD["latin"], t).convert("L")
    x0 = plan.qr_origin[0] + QUIET_ZONE * plan.qr.dots
    y = plan.qr_origin[1] + QUIET_ZONE * plan.qr.dots
    run = 0
    while image.getpixel((x0 + run, y)) < 128:
        run += 1
    assert run == 7 * plan.qr.dots
    assert image.getpixel((x0 - 1, y)) >= 128, "quiet zone is white"


def test_band_colours_per_ticket_type():
    assert band_colour("Speaker") == TICKET_COLOURS["speaker"]
    assert band_colour("vip") == TICKET_COLOURS["vip"]
    assert band_colour("Monday pass") == band_colour("Day 2") == TICKET_COLOURS["day"]
    assert band_colour("One-day ticket") == TICKET_COLOURS["day"]
    assert band_colour("Mystery guest") == NEUTRAL_COLOUR
    colours = {
        band_colour(t) for t in ("Attendee", "Speaker", "VIP", "Sponsor", "Exhibitor", "Staff")
    }
    assert len(colours) == 6


def test_colour_badge_shows_the_band_colour_and_mono_badge_is_pure_black_and_white():
    colour = render_badge(HARD["latin"], "a6")
    band = get_template("a6").band.px(300)
    expected = tuple(int(TICKET_COLOURS["speaker"][i : i + 2], 16) for i in (1, 3, 5))
    assert colour.getpixel((band[0] + 2, band[1] + 2)) == expected
    mono = render_badge(HARD["latin"], "4x3")
    assert {v for _n, v in mono.convert("L").getcolors()} == {0, 255}


def test_same_badge_renders_identically():
    a, b = render_badge(HARD["cjk"], "4x3"), render_badge(HARD["cjk"], "4x3")
    assert ImageChops.difference(a, b).getbbox() is None


def test_size_follows_template_mm_and_dpi():
    assert render_badge(HARD["latin"], "4x3").size == (812, 609)
    assert render_badge(HARD["latin"], get_template("4x3").at(dpi=300)).size == (1200, 900)
    assert render_badge(HARD["latin"], "brother-62").width == 696
    assert render_badge(HARD["latin"], "brother-62x100").size == (696, 1109)
    assert render_badge(HARD["latin"], "cr80").size == (1011, 638)
    assert render_badge(HARD["latin"], "receipt-80").width == 576


def test_logo_goes_into_its_box():
    from dataclasses import replace

    from printers.templates import Box

    t = replace(get_template("a6"), logo=Box(2, 2, 12, 12))
    logo = Image.new("RGB", (50, 50), (255, 200, 0))
    image = render_badge(HARD["latin"], t, logo=logo)
    left, top, right, bottom = Box(2, 2, 12, 12).px(300)
    assert image.getpixel(((left + right) // 2, (top + bottom) // 2)) == (255, 200, 0)
