"""PDF output: valid for a real PDF reader (poppler), exact pixels, sheets with crop marks."""

from __future__ import annotations

import subprocess

import pytest
from PIL import Image, ImageChops
from printer_golden import check_golden
from printer_names import HARD
from printer_samples import arrow, checker

from printers import SheetLayout, badge_pdf, get_template, render_badge, sheet_pdf
from tests.support.processes import need_tool
from tests.support.qr import read_qr


def rasterise(pdf: bytes, tmp_path, dpi: int) -> list[Image.Image]:
    """Render every page with poppler's pdftoppm, an independent PDF reader."""
    pdftoppm = need_tool("pdftoppm", "poppler-utils")
    src = tmp_path / "in.pdf"
    src.write_bytes(pdf)
    subprocess.run([pdftoppm, "-r", str(dpi), "-png", str(src), str(tmp_path / "page")], check=True)
    pages = []
    for path in sorted(tmp_path.glob("page-*.png")):
        with Image.open(path) as page:
            pages.append(page.convert("RGB"))
    return pages


def extract_images(pdf: bytes, tmp_path) -> list[Image.Image]:
    """The embedded images, decoded by poppler's pdfimages without any resampling."""
    pdfimages = need_tool("pdfimages", "poppler-utils")
    src = tmp_path / "images.pdf"
    src.write_bytes(pdf)
    subprocess.run([pdfimages, "-png", str(src), str(tmp_path / "img")], check=True)
    images = []
    for path in sorted(tmp_path.glob("img-*.png")):
        with Image.open(path) as embedded:
            images.append(embedded.copy())
    return images


def info(pdf: bytes, tmp_path) -> str:
    pdfinfo = need_tool("pdfinfo", "poppler-utils")
    src = tmp_path / "info.pdf"
    src.write_bytes(pdf)
    return subprocess.run([pdfinfo, str(src)], capture_output=True, check=True, text=True).stdout


def test_small_pdfs_are_byte_for_byte_stable():
    check_golden("pdf/arrow-mono.pdf", badge_pdf([arrow().convert("RGB")], 203))
    colour = checker().convert("RGB")
    colour.putpixel((0, 0), (200, 30, 40))
    check_golden("pdf/checker-colour.pdf", badge_pdf([colour], 300))


@pytest.mark.parametrize("template", ["a6", "4x3"])
def test_badge_pdf_page_is_the_badge_size_and_pixels_survive(template, tmp_path):
    t = get_template(template)
    image = render_badge(HARD["vietnamese"], t)
    pdf = badge_pdf([image], t.dpi)
    text = info(pdf, tmp_path)
    w_pt, h_pt = t.size_px[0] * 72 / t.dpi, t.size_px[1] * 72 / t.dpi
    assert f"Page size:       {w_pt:g} x {h_pt:g} pts".replace(".0 ", " ") in text or (
        f"{round(w_pt, 2):g} x {round(h_pt, 2):g} pts" in text
    )
    (page,) = rasterise(pdf, tmp_path, t.dpi)
    assert page.size == image.size
    assert read_qr(page) == [HARD["vietnamese"].code]
    # Lossless: the embedded image is exactly the rendered pixels (no JPEG smear on the QR).
    (embedded,) = extract_images(pdf, tmp_path)
    assert ImageChops.difference(embedded.convert("RGB"), image).getbbox() is None


def test_sheet_tiles_badges_with_crop_marks_outside_them(tmp_path):
    t = get_template("4x3")
    images = [render_badge(HARD[n], t) for n in ("latin", "cjk", "arabic", "german60")]
    pdf = sheet_pdf(images, t.dpi)
    assert "Pages:           2" in info(pdf, tmp_path)  # three 4×3 in badges fit on one A4
    pages = rasterise(pdf, tmp_path, 100)
    assert len(pages) == 2 and pages[0].width == 827 and pages[0].height in (1169, 1170)
    first = pages[0].convert("L")
    # Crop marks: ink just outside the first badge's top-left corner, along its edges.
    lay = SheetLayout()
    bw, bh = 101.6, 76.2
    x0 = (210 - bw) / 2
    y0 = (297 - (3 * bh + 2 * lay.gap_mm)) / 2
    px = lambda mm: round(mm * 100 / 25.4)  # noqa: E731
    mark_x = px(x0 - lay.mark_offset_mm - lay.mark_mm / 2)
    assert min(first.getpixel((mark_x, px(y0) + d)) for d in (-1, 0, 1)) < 200
    assert first.getpixel((px(x0 - 0.5), px(y0 - 0.5))) > 240, "marks never touch the badge"
