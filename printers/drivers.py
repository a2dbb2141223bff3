"""The printer drivers and the URL scheme that names them.

    file:///srv/kiosk/badges/?format=pdf  PNG or PDF files in an allowed folder (rehearsals)
    memory://                           kept in memory (tests, dry runs)
    ipp://host:631/ipp/print            IPP Everywhere printers and CUPS queues (ipps:// for TLS)
    zpl+tcp://host:9100                 Zebra (ZPL); zpl+file:///dev/usb/lp0 for USB
    brotherql+tcp://host:9100           Brother QL; brotherql+file:///dev/usb/lp0 for USB
    escpos+tcp://host:9100              ESC/POS receipt printers; escpos+file:///dev/usb/lp0
    cups://QUEUE                        a local CUPS queue through `lp`

Query parameters: template=NAME, dpi=N, and per driver: format (file, ipp), media, compress
(brotherql), darkness (zpl), cut (brotherql, escpos), timeout=SECONDS (ipp, *+tcp: how long a
silent printer is waited for), copies is always 1.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PIL import Image

from printers.base import BadgePrinter, PrinterError, PrintResult
from printers.cups import lp_submit, media_keyword
from printers.pdf import badge_pdf
from printers.png import encode_png
from printers.templates import Template

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


class FilePrinter(BadgePrinter):
    """Writes each badge as a PNG or PDF file into a folder inside one of `roots`.

    The folder is checked when the printer is made and again before every badge (a folder
    can be replaced by a link meanwhile); a badge replaces only a badge file of its name.
    """

    def __init__(
        self, url: str, template: Template, folder: Path, fmt: str, roots: Sequence[Path]
    ) -> None:
        self.url, self.template, self.folder, self.format = url, template, folder, fmt
        self.roots = tuple(roots)
        allowed_folder(folder, self.roots)

    def print_image(
        self, image: Image.Image, *, job_name: str = "badge", template: Template | None = None
    ) -> PrintResult:
        """Write `<job_name>.png` or `.pdf`; a name used before is overwritten."""
        t = template or self.template
        data = badge_pdf([image], t.dpi) if self.format == "pdf" else encode_png(image, t.dpi)
        path = self.path_for(job_name)
        name = path.name
        allowed_folder(self.folder, self.roots)
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            _replace_file(self.folder, name, data)
        except OSError as exc:
            raise PrinterError(
                f"Cannot write badges into {self.folder} ({exc.strerror or exc}). Check that the "
                "folder exists, has free space and is writable by the kiosk.",
                code="unreachable",
            ) from exc
        return PrintResult(self.url, "printed", name)

    def path_for(self, job_name: str) -> Path:
        """The file a job of this name is written to (so it can be removed again)."""
        return self.folder / (
            (_SAFE_NAME.sub("-", job_name).strip("-.") or "badge") + "." + self.format
        )

    def check(self) -> str:
        """Ready when the folder is (or can be made) writable."""
        return "idle" if self.folder.is_dir() or not self.folder.exists() else "not a folder"


def allowed_folder(folder: Path, roots: Sequence[Path]) -> None:
    """Refuses a badge folder outside every root (links resolved) or one that is a file."""
    real = _real(folder)
    inside = any(real == r or r in real.parents for r in map(_real, roots))
    if not folder.is_absolute() or not inside or (real.exists() and not real.is_dir()):
        where = ", ".join(str(r) for r in roots)
        rule = f"only into a folder inside {where}" if roots else "into no folder here"
        raise PrinterError(
            f"Writing badges into {folder} is not allowed: file:// printers write {rule}, "
            "never over an existing file.",
            code="not_allowed",
        )


def _real(path: Path) -> Path:
    return Path(os.path.realpath(path))


def _replace_file(folder: Path, name: str, data: bytes) -> None:
    """Writes a new file, then renames it over `name`: an existing link there is replaced,
    never followed, so a badge cannot overwrite what the link points to."""
    fd, temp = tempfile.mkstemp(dir=folder, prefix=".badge-", suffix=".part")
    try:
        with os.fdopen(fd, "wb") as out:
            os.fchmod(out.fileno(), 0o600)  # a badge names its attendee: private like the database
            out.write(data)
        os.replace(temp, folder / name)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


class MemoryPrinter(BadgePrinter):
    """Keeps every badge image in `jobs`; for tests and dry runs."""

    def __init__(self, url: str, template: Template) -> None:
        self.url, self.template = url, template
        self.jobs: list[tuple[str, Image.Image]] = []

    def print_image(
        self, image: Image.Image, *, job_name: str = "badge", template: Template | None = None
    ) -> PrintResult:
        """Remember the image."""
        self.jobs.append((job_name, image))
        return PrintResult(self.url, "printed", str(len(self.jobs)))

    def check(self) -> str:
        """Always ready."""
        return "idle"


class RawPrinter(BadgePrinter):
    """A printer that takes a byte stream (ZPL, Brother raster, ESC/POS) over TCP or a device."""

    def __init__(self, url: str, template: Template, encode: Callable[[Image.Image], bytes],
                 send: Callable[[bytes], None]) -> None:  # fmt: skip
        self.url, self.template, self.encode, self.send = url, template, encode, send

    def print_image(
        self, image: Image.Image, *, job_name: str = "badge", template: Template | None = None
    ) -> PrintResult:
        """Encode and send; these printers do not report back, so the result is `sent`."""
        self.send(self.encode(image))
        return PrintResult(self.url, "sent", None, "handed to the printer")


class CupsPrinter(BadgePrinter):
    """A local CUPS queue; the badge goes as a PDF with its exact media size."""

    def __init__(self, url: str, template: Template, queue: str) -> None:
        self.url, self.template, self.queue = url, template, queue

    def print_image(
        self, image: Image.Image, *, job_name: str = "badge", template: Template | None = None
    ) -> PrintResult:
        """Submit with `lp`; CUPS then owns retries, so the result is `sent`."""
        t = template or self.template
        media = media_keyword(t.width_mm, t.height_mm)
        job_id = lp_submit(self.queue, badge_pdf([image], t.dpi), title=job_name, media=media)
        return PrintResult(self.url, "sent", job_id or None, f"queued in CUPS queue {self.queue}")


DEFAULTS = {  # scheme prefix: (template, dpi, mono)
    "file": ("4x3", 300, False), "memory": ("4x3", 300, False), "ipp": ("a6", 300, False),
    "cups": ("a6", 300, False), "zpl": ("4x3", 203, True), "brotherql": ("brother-62", 300, True),
    "escpos": ("receipt-80", 203, True),
}  # fmt: skip
