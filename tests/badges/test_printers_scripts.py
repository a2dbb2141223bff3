"""Names mixing scripts: each run in a font that has it, right-to-left runs in visual order,
and characters no installed font has reported instead of printed as empty boxes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageChops, ImageDraw

from printers import Badge, plan_badge, render_badge
from printers.cmap import font_coverage
from printers.fonts import find_font
from printers.layout import PlacedText
from printers.runs import FontSet, bidi_levels, text_runs

TOFU = "\U0010fffd"  # a private-use character in plane 16: no font anywhere has it
MIXED = {
    "Ahmad أحمد": [("Ahmad ", "latin", False), ("أحمد", "arabic", True)],
    "Νίκος Papadopoulos": [("Νίκος Papadopoulos", "latin", False)],
    "राहुल Sharma": [("राहुल ", "devanagari", False), ("Sharma", "latin", False)],
    "김민준 Kim": [("김민준 ", "cjk", False), ("Kim", "latin", False)],
    "山田 太郎 Yamada": [("山田 太郎 ", "cjk", False), ("Yamada", "latin", False)],
}


def first_name(badge: Badge, template: str = "a6") -> PlacedText:
    return next(p for p in plan_badge(badge, template).texts if p.source == "first_name")


@pytest.mark.parametrize("name", MIXED)
def test_each_run_gets_a_font_that_has_it(name):
    placed = first_name(Badge(name, "Test"))
    assert placed.fitted.lines == (name,)
    runs = placed.runs()
    assert [(r.text, r.font.family, r.rtl) for r in runs] == MIXED[name]
    for run in runs:
        assert font_coverage(str(run.font.path), run.font.index).missing(run.text) == ""
        assert not run.missing
    assert plan_badge(Badge(name, "Test"), "a6").missing == ""


def _tofu_twin(name: str) -> str:
    """The name with every letter Noto Sans lacks replaced by a character no font has."""
    latin = font_coverage(str(find_font("NotoSans-Bold.ttf")))
    return "".join(ch if ord(ch) in latin or not ch.isalpha() else TOFU for ch in name)


@pytest.mark.parametrize("name", MIXED)
def test_the_badge_shows_letters_not_empty_boxes(name):
    # Drawn in one Latin font, a name's other letters become .notdef boxes, exactly like a
    # character no font has. The badge must not look like that.
    twin = _tofu_twin(name)
    if twin == name:
        pytest.skip("Noto Sans has every letter of this name")
    drawn = render_badge(Badge(name, "Test"), "a6")
    boxes = render_badge(Badge(twin, "Test"), "a6")
    assert ImageChops.difference(drawn, boxes).getbbox() is not None


def _alone(placed: PlacedText, text: str, font, x: int, y: int, size: tuple[int, int]):
    canvas = Image.new("L", size, 255)
    ImageDraw.Draw(canvas).text((x, y), text, font=font, fill=0, anchor="ls",
                                direction="rtl" if text_runs(text)[0].rtl else "ltr")  # fmt: skip
    return canvas


def _dark(image: Image.Image) -> int:
    return image.point(lambda v: 255 if v < 128 else 0).histogram()[255]


def _changed(a: Image.Image, b: Image.Image) -> int:
    return ImageChops.difference(a, b).point(lambda v: 255 if v >= 128 else 0).histogram()[255]


@pytest.mark.parametrize("name", MIXED)
def test_each_runs_pixels_are_its_font_and_not_the_fallbacks(name):
    plan = plan_badge(Badge(name, "Test"), "a6")
    badge = render_badge(Badge(name, "Test"), "a6").convert("L")
    placed = next(p for p in plan.texts if p.source == "first_name")
    sized = placed.fonts.at(placed.fitted.size_px)
    [((x0, y0), line)] = placed.anchors()
    latin = text_runs("A")[0].font.at(placed.fitted.size_px)
    for x, run, font in sized.placed_runs(line):
        left, top, right, bottom = font.getbbox(run.text, anchor="ls")
        region = (x0 + x + left, y0 + top, x0 + x + right, y0 + bottom)
        here = badge.crop(region)
        same = _alone(placed, run.text, font, x0 + x, y0, badge.size).crop(region)
        assert _changed(here, same) <= 0.02 * _dark(same) + 5, run
        if run.font.family != "latin":
            boxes = _alone(placed, run.text, latin, x0 + x, y0, badge.size).crop(region)
            assert _changed(here, boxes) > 0.2 * _dark(here), run


def _ink_columns(image: Image.Image, line_box: tuple[int, int, int, int]) -> list[int]:
    strip = image.convert("L").crop(line_box)
    return [
        x
        for x in range(strip.width)
        if strip.crop((x, 0, x + 1, strip.height)).getextrema()[0] < 128
    ]


def test_right_to_left_runs_are_in_visual_order():
    families = lambda text: [(r.text, r.font.family) for r in text_runs(text)]  # noqa: E731
    # A name starting in Arabic is a right-to-left line: its Latin part goes on the left.
    assert families("أحمد Ahmad") == [("Ahmad", "latin"), ("أحمد ", "arabic")]
    assert families("Ahmad أحمد Sharma") == [("Ahmad ", "latin"), ("أحمد", "arabic"),
                                             (" Sharma", "latin")]  # fmt: skip
    assert families("أحمد Ahmad علي") == [(" علي", "arabic"), ("Ahmad", "latin"),
                                          ("أحمد ", "arabic")]  # fmt: skip
    assert bidi_levels("Ahmad أحمد") == [0] * 6 + [1] * 4
    assert bidi_levels("Kim") == [0, 0, 0]


@pytest.mark.parametrize(("name", "arabic_right"), [("Ahmad أحمد", True), ("أحمد Ahmad", True)])
def test_arabic_ink_is_where_the_order_says(name, arabic_right):
    placed = first_name(Badge(name, "Test"))
    [((x0, y0), line)] = placed.anchors()
    sized = placed.fonts.at(placed.fitted.size_px)
    spans = {}
    for x, run, font in sized.placed_runs(line):
        left, _t, right, _b = font.getbbox(run.text, anchor="ls")
        spans[run.font.family] = (x0 + x + left, x0 + x + right)
    assert (spans["arabic"][0] >= spans["latin"][1] - 2) is arabic_right
    # And the image agrees: the Arabic font's ink is in the Arabic span.
    image = render_badge(Badge(name, "Test"), "a6")
    top = y0 - placed.fitted.size_px
    columns = _ink_columns(image, (0, top, image.width, y0 + placed.fitted.size_px // 3))
    right_ink = [c for c in columns if c >= spans["arabic"][0]]
    assert right_ink and max(columns) <= spans["arabic"][1] + 1


def test_fitting_rules_hold_for_mixed_names():
    long = "Ahmad أحمد bin Abdullah Al-Hashimi राहुल Venkataraman 山田太郎"
    placed = first_name(Badge(long, "Test"), "4x3")
    assert len(placed.fitted.lines) <= 2
    sized = placed.fonts.at(placed.fitted.size_px)
    for (x, y), line in placed.anchors():
        left, top, right, bottom = sized.getbbox(line)
        assert placed.box[0] <= x + left and x + right <= placed.box[2]
        assert placed.box[1] <= y + top and y + bottom <= placed.box[3]


@pytest.mark.parametrize("odd", ["\ue000", "\u0378", TOFU])
def test_a_character_no_font_has_is_reported(odd):
    name = f"Ana{odd} Putri"
    plan = plan_badge(Badge(name, "Wijaya"), "4x3")
    assert plan.missing == odd
    [run] = [r for r in first_name(Badge(name), "4x3").runs() if r.missing]
    assert run.text == odd
    assert FontSet().runs("Ana Putri") == text_runs("Ana Putri")  # no false alarms
    assert plan_badge(Badge("Ana", "Putri"), "4x3").missing == ""


MIX = "Ahmad أحمد Νίκος राहुल 김민준 山田 שרה 0123 -.,'()" + "\u0301\u200d\u200c\u064b\u093f"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(MIX), min_size=1, max_size=30))
def test_runs_keep_every_character_and_each_font_has_its_run(text):
    runs = text_runs(text)
    assert sorted("".join(r.text for r in runs)) == sorted(text)
    for run in runs:
        assert not run.missing
        coverage = font_coverage(str(run.font.path), run.font.index)
        drawn = "".join(ch for ch in run.text if unicodedata.category(ch) != "Cf")
        assert coverage.missing(drawn) == "", run


def test_hebrew_and_latin():
    assert [(r.text, r.font.family, r.rtl) for r in text_runs("David דוד")] == [
        ("David ", "latin", False),
        ("דוד", "hebrew", True),
    ]
