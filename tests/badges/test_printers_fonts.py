"""Font discovery and coverage: found by path at run time, clear errors when missing."""

from __future__ import annotations

import shutil

import pytest
from PIL import Image, ImageChops, ImageDraw

from printers import PrinterError, fonts, runs
from printers.cmap import font_coverage

REAL_LATIN_BOLD = fonts.find_font("NotoSans-Bold.ttf")


@pytest.fixture
def no_system_fonts(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", ())
    monkeypatch.setenv(fonts.FONT_DIRS_ENV, str(tmp_path))
    _forget_fonts()
    yield tmp_path
    _forget_fonts()


def _forget_fonts():
    for cached in (fonts._index, fonts.installed_fonts, runs.text_runs):
        cached.cache_clear()


def test_missing_font_names_the_package_to_install(no_system_fonts):
    with pytest.raises(PrinterError) as err:
        runs.text_runs("Ana")
    assert err.value.code == "font_missing"
    assert "apt-get install fonts-noto-core" in err.value.message
    assert fonts.FONT_DIRS_ENV in err.value.message


def test_fonts_in_kiosk_font_dirs_are_used(no_system_fonts):
    bold = no_system_fonts
    shutil.copy(REAL_LATIN_BOLD, bold / "NotoSans-Bold.ttf")
    _forget_fonts()
    assert [r.font.path for r in runs.text_runs("Ana")] == [bold / "NotoSans-Bold.ttf"]
    # A CJK name without the CJK package says which package is missing.
    with pytest.raises(PrinterError) as err:
        runs.text_runs("王小明")
    assert "fonts-noto-cjk" in err.value.message


def _draw(path: str, ch: str) -> Image.Image:
    from PIL import ImageFont

    image = Image.new("L", (80, 80), 255)
    ImageDraw.Draw(image).text((10, 10), ch, font=ImageFont.truetype(path, 48), fill=0)
    return image


@pytest.mark.parametrize(
    ("filename", "present", "absent"),
    [
        ("NotoSans-Bold.ttf", "Ễ", "م"),
        ("NotoSansArabic-Bold.ttf", "م", "王"),
        ("NotoSansDevanagari-Bold.ttf", "क", "王"),
    ],
)
def test_cmap_coverage_agrees_with_what_the_font_draws(filename, present, absent):
    path = str(fonts.find_font(filename))
    coverage = font_coverage(path)
    assert ord(present) in coverage and ord(absent) not in coverage
    # A missing character draws the font's .notdef box, the same as any other missing one.
    tofu = _draw(path, "\U0010fffd")
    assert ImageChops.difference(_draw(path, absent), tofu).getbbox() is None
    assert ImageChops.difference(_draw(path, present), tofu).getbbox() is not None


def test_cjk_collection_faces_are_read():
    path = str(fonts.find_font("NotoSansCJK-Bold.ttc", "fonts-noto-cjk"))
    for index in range(4):
        coverage = font_coverage(path, index)
        assert ord("王") in coverage and ord("A") in coverage and ord("م") not in coverage
