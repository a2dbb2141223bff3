"""PDF output written by hand: one badge per page, or sheets of badges on A4 with crop marks.

The badge is embedded as the same raster the label printers get, losslessly (Flate; 1-bit for
black-and-white badges), so the QR code's edges stay exact. The writer sets no dates or IDs,
which makes its output byte-for-byte repeatable.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from PIL import Image

PT_PER_MM = 72 / 25.4
A4_MM = (210.0, 297.0)


@dataclass(frozen=True)
class SheetLayout:
    """How badges are tiled on a sheet, all in millimetres."""

    page_mm: tuple[float, float] = A4_MM
    margin_mm: float = 10.0
    gap_mm: float = 8.0  # room between badges for the crop marks
    mark_mm: float = 3.0  # length of each crop mark
    mark_offset_mm: float = 1.0  # space between a badge's corner and its marks


class _Writer:
    """Numbered PDF objects and the cross-reference table at the end."""

    def __init__(self) -> None:
        self.objects: list[bytes] = []

    def add(self, body: bytes) -> int:
        self.objects.append(body)
        return len(self.objects)

    def stream(self, head: str, data: bytes) -> int:
        return self.add(
            f"<< {head} /Length {len(data)} >>\nstream\n".encode() + data + b"\nendstream"
        )

    def image(self, image: Image.Image) -> int:
        """An image XObject: 1-bit grey for pure black and white, else 8-bit RGB."""
        if _is_black_and_white(image):
            mono = image.convert("L").point(lambda v: 255 if v >= 128 else 0).convert("1")
            space, bits, data = "/DeviceGray", 1, mono.tobytes()
        else:
            space, bits, data = "/DeviceRGB", 8, image.convert("RGB").tobytes()
        head = (
            f"/Type /XObject /Subtype /Image /Width {image.width} /Height {image.height} "
            f"/ColorSpace {space} /BitsPerComponent {bits} /Filter /FlateDecode"
        )
        return self.stream(head, zlib.compress(data, 6))

    def finish(self, pages: list[int], pages_id: int) -> bytes:
        kids = " ".join(f"{p} 0 R" for p in pages)
        self.objects[pages_id - 1] = (
            f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode()
        )
        catalog = self.add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>".encode())
        out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
        offsets = []
        for number, body in enumerate(self.objects, start=1):
            offsets.append(len(out))
            out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
        xref = len(out)
        out += f"xref\n0 {len(self.objects) + 1}\n0000000000 65535 f \n".encode()
        out += b"".join(f"{o:010d} 00000 n \n".encode() for o in offsets)
        out += f"trailer\n<< /Size {len(self.objects) + 1} /Root {catalog} 0 R >>\n".encode()
        out += f"startxref\n{xref}\n%%EOF\n".encode()
        return bytes(out)


def _is_black_and_white(image: Image.Image) -> bool:
    colours = image.convert("L").getcolors(2)
    return colours is not None and all(v in (0, 255) for _n, v in colours)


def _num(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _page(
    w: _Writer, pages_id: int, size_pt: tuple[float, float], content: str, images: dict[str, int]
) -> int:
    resources = " ".join(f"/{name} {ref} 0 R" for name, ref in images.items())
    contents = w.stream("", content.encode("ascii"))
    box = f"[0 0 {_num(size_pt[0])} {_num(size_pt[1])}]"
    return w.add(
        f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox {box} "
        f"/Resources << /XObject << {resources} >> >> /Contents {contents} 0 R >>".encode()
    )


def badge_pdf(images: Iterable[Image.Image], dpi: int) -> bytes:
    """One page per badge, each page exactly the badge's size."""
    w = _Writer()
    pages_id = w.add(b"")
    pages = []
    for image in images:
        size = (image.width * 72 / dpi, image.height * 72 / dpi)
        ref = w.image(image)
        draw = f"q {_num(size[0])} 0 0 {_num(size[1])} 0 0 cm /Im0 Do Q"
        pages.append(_page(w, pages_id, size, draw, {"Im0": ref}))
    return w.finish(pages, pages_id)


def sheet_pdf(images: Iterable[Image.Image], dpi: int, layout: SheetLayout | None = None) -> bytes:
    """Badges tiled on sheets (A4 by default) with crop marks at every corner, for cutting."""
    lay = layout or SheetLayout()
    w = _Writer()
    pages_id = w.add(b"")
    pages: list[int] = []
    batch: list[Image.Image] = []
    per_page = 0
    for image in images:
        if not per_page:
            per_page = _grid(image, dpi, lay)[0] * _grid(image, dpi, lay)[1]
        batch.append(image)
        if len(batch) == per_page:
            pages.append(_sheet(w, pages_id, batch, dpi, lay))
            batch = []
    if batch:
        pages.append(_sheet(w, pages_id, batch, dpi, lay))
    return w.finish(pages, pages_id)


def _grid(image: Image.Image, dpi: int, lay: SheetLayout) -> tuple[int, int]:
    bw, bh = image.width * 25.4 / dpi, image.height * 25.4 / dpi
    usable_w, usable_h = lay.page_mm[0] - 2 * lay.margin_mm, lay.page_mm[1] - 2 * lay.margin_mm
    cols = max(1, int((usable_w + lay.gap_mm) // (bw + lay.gap_mm)))
    rows = max(1, int((usable_h + lay.gap_mm) // (bh + lay.gap_mm)))
    return cols, rows


def _sheet(w: _Writer, pages_id: int, batch: list[Image.Image], dpi: int, lay: SheetLayout) -> int:
    """One sheet: the grid centred on the page, each badge with its eight crop marks."""
    cols, rows = _grid(batch[0], dpi, lay)
    bw, bh = batch[0].width * 25.4 / dpi, batch[0].height * 25.4 / dpi
    x0 = (lay.page_mm[0] - (cols * bw + (cols - 1) * lay.gap_mm)) / 2
    y0 = (lay.page_mm[1] - (rows * bh + (rows - 1) * lay.gap_mm)) / 2
    ops, refs = ["0 G 0.25 w"], {}
    for i, image in enumerate(batch):
        col, row = i % cols, i // cols
        left = x0 + col * (bw + lay.gap_mm)
        bottom = lay.page_mm[1] - (y0 + row * (bh + lay.gap_mm) + bh)  # PDF's y grows upwards
        refs[f"Im{i}"] = w.image(image)
        p = [_num(v * PT_PER_MM) for v in (bw, bh, left, bottom)]
        ops.append(f"q {p[0]} 0 0 {p[1]} {p[2]} {p[3]} cm /Im{i} Do Q")
        ops += _marks(left, bottom, bw, bh, lay)
    size = (lay.page_mm[0] * PT_PER_MM, lay.page_mm[1] * PT_PER_MM)
    return _page(w, pages_id, size, "\n".join(ops), refs)


def _marks(left: float, bottom: float, bw: float, bh: float, lay: SheetLayout) -> list[str]:
    """Two short lines out from each corner, continuing the badge's edges, never touching it."""
    out = []
    off, length = lay.mark_offset_mm, lay.mark_mm
    for x, dx in ((left, -1), (left + bw, 1)):
        for y, dy in ((bottom, -1), (bottom + bh, 1)):
            lines = (
                (x + dx * off, y, x + dx * (off + length), y),  # horizontal, along the edge
                (x, y + dy * off, x, y + dy * (off + length)),  # vertical
            )
            for ax, ay, bx, by in lines:
                a = f"{_num(ax * PT_PER_MM)} {_num(ay * PT_PER_MM)}"
                out.append(f"{a} m {_num(bx * PT_PER_MM)} {_num(by * PT_PER_MM)} l S")
    return out
