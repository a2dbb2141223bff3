"""Name fitting: shrink to the minimum, then two lines, then an ellipsis; never overflow."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from printers.fit import ELLIPSIS, fit_text, two_line_splits
from printers.runs import FontSet

W, H, MIN, MAX = 600, 160, 40, 120
LATIN = FontSet()


def fit(text: str, w: int = W, h: int = H, lines: int = 2, font=LATIN):
    return fit_text(text, font.at, w, h, MIN, MAX, lines)


def ink_inside(text: str, w: int = W, h: int = H, font=LATIN) -> None:
    """Draw the fitted lines as the layout does and check every dot of ink is inside w×h."""
    fitted = fit(text, w, h, font=font)
    canvas = Image.new("L", (w + 200, h + 200), 255)
    draw = ImageDraw.Draw(canvas)
    top = 100 + (h - fitted.height) // 2
    for left, baseline, line in zip(fitted.lefts, fitted.baselines, fitted.lines, strict=True):
        xy = (100 + left, top + baseline)
        font.at(fitted.size_px).draw(draw, xy, line, 0)
    ink = canvas.point(lambda v: 255 - v).getbbox()
    assert ink is None or (
        ink[0] >= 100 and ink[1] >= 100 and ink[2] <= 100 + w and ink[3] <= 100 + h
    )


def test_short_name_gets_the_largest_size():
    fitted = fit("Ana")
    assert fitted.size_px == MAX and fitted.lines == ("Ana",) and not fitted.shortened


def test_longer_name_shrinks_on_one_line_before_wrapping():
    fitted = fit("Alexandrina Konstantinopoulou", w=900)
    assert fitted.lines == ("Alexandrina Konstantinopoulou",)
    assert MIN <= fitted.size_px < MAX


def test_name_too_long_for_one_line_at_the_minimum_wraps_to_two_balanced_lines():
    text = "Siti Nurhaliza binti Tarudin Wijayakusuma Adiningrat"
    fitted = fit(text, h=200)
    assert len(fitted.lines) == 2 and fitted.size_px >= MIN and not fitted.shortened
    assert " ".join(fitted.lines) == text
    assert abs(len(fitted.lines[0]) - len(fitted.lines[1])) < 12


def test_single_long_word_breaks_with_a_hyphen_before_it_is_shortened():
    word = "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenkasse"
    fitted = fit(word, w=900, h=200)
    assert len(fitted.lines) == 2 and fitted.lines[0].endswith("-")
    assert fitted.lines[0][:-1] + fitted.lines[1] == word and not fitted.shortened


def test_what_cannot_fit_ends_in_an_ellipsis_and_is_flagged():
    text = "Wolfeschlegelsteinhausenbergerdorff " * 6
    fitted = fit(text.strip())
    assert fitted.shortened and fitted.lines[-1].endswith(ELLIPSIS)
    assert fitted.size_px == MIN


def test_one_line_field_never_wraps():
    fitted = fit("Maria Dolores de la Santísima Trinidad", w=300, lines=1)
    assert len(fitted.lines) == 1 and fitted.lines[0].endswith(ELLIPSIS)


def test_cjk_names_break_between_characters():
    splits = two_line_splits("欧阳娜娜欧阳娜娜")
    assert ("欧阳娜娜", "欧阳娜娜") in splits


def test_accents_and_vowel_signs_stay_with_their_letter():
    for _a, b in two_line_splits("अनुष्काशर्माअनुष्काशर्मा"):
        assert not b.startswith(("ु", "्", "ा")), b  # no line starts with a dependent sign
    for _a, b in two_line_splits("Me\u0301nde\u0301zMe\u0301nde\u0301z"):
        assert not b.startswith("\u0301")


@pytest.mark.parametrize(
    "text",
    [
        "José Ñúñez",
        "Nguyễn Thị Minh Khai",
        "Donaudampfschifffahrtsgesellschaftskapitänswitwenrentenkasse",
        "Ÿ̈g̃ Ǭj Q̧y",
        "W" * 80,
        "i",
    ],
)
@pytest.mark.parametrize(("w", "h"), [(600, 160), (200, 60), (120, 300)])
def test_ink_never_leaves_the_box(text, w, h):
    ink_inside(text, w, h)


@pytest.mark.parametrize(
    "text",
    [
        "王小明欧阳娜娜司马相如诸葛孔明",
        "محمد بن عبد الله العلي الهاشمي",
        "अनुष्का शर्मा",
        "Ahmad أحمد bin Abdullah Al-Hashimi",
        "राहुल Sharma Venkataraman",
        "山田 太郎 Yamada Taro",
    ],
)
def test_ink_never_leaves_the_box_in_other_scripts(text):
    ink_inside(text, 300, 120)


@settings(max_examples=40, deadline=None)
@given(
    st.text(
        alphabet=st.characters(
            min_codepoint=0x20, max_codepoint=0x24F, categories=["L", "Zs", "Pd"]
        ),
        max_size=70,
    )
)
def test_any_latin_name_stays_inside(text):
    ink_inside(text, 400, 110)
