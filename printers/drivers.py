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
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from PIL import Image

from printers import ipp
from printers.base import BadgePrinter, PrinterError, PrintResult
from printers.brother_ql import MEDIA, encode_brother_ql
from printers.cups import lp_submit, media_keyword
from printers.escpos import encode_escpos
from printers.ipp_printer import IppPrinter
from printers.pdf import badge_pdf
from printers.png import encode_png
from printers.templates import Template, get_template
from printers.transport import RAW_PORT, RAW_TIMEOUT, check_device, send_tcp, write_device
from printers.zpl import encode_zpl

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


def _template(kind: str, query: dict[str, str]) -> Template:
    """The template named in the URL, at the printer's resolution and colour ability."""
    name, dpi, mono = DEFAULTS[kind]
    template = get_template(query.get("template", name))
    try:
        dpi = int(query.get("dpi", dpi))
    except ValueError:
        raise PrinterError(f"dpi must be a number, not {query['dpi']!r}.", code="bad_url") from None
    mono = query.get("mono", "1" if mono else "0").lower() in ("1", "true", "yes", "on")
    return template.at(dpi=dpi, mono=mono)


def _timeout(query: dict[str, str], default: float) -> float:
    """Seconds the printer may keep a connection silent before the try counts as failed."""
    try:
        seconds = float(query.get("timeout", default))
    except ValueError:
        seconds = 0.0
    if not 0 < seconds <= 600:
        raise PrinterError(
            f"timeout is a number of seconds up to 600, not {query['timeout']!r}.", code="bad_url"
        )
    return seconds


def _sender(
    kind: str, transport: str, parts: SplitResult, query: dict[str, str]
) -> Callable[[bytes], None]:
    if transport == "tcp":
        if not parts.hostname:
            raise PrinterError(
                f"The printer address needs a host, as in {kind}+tcp://10.0.0.5:9100.",
                code="bad_url",
            )
        host, port = parts.hostname, parts.port or RAW_PORT
        timeout = _timeout(query, RAW_TIMEOUT)
        return lambda data: send_tcp(host, port, data, timeout=timeout)
    if transport == "file":
        path = unquote(parts.path)
        check_device(path)
        return lambda data: write_device(path, data)
    raise PrinterError(f"Use {kind}+tcp://HOST:PORT or {kind}+file:///dev/usb/lp0.", code="bad_url")


def _raw(
    kind: str, transport: str, parts: SplitResult, url: str, query: dict[str, str]
) -> RawPrinter:
    template = _template(kind, query)
    flag = lambda key, default: query.get(key, default).lower() in ("1", "true", "yes", "on")  # noqa: E731
    if kind == "zpl":
        darkness = int(query["darkness"]) if "darkness" in query else None
        encode = lambda im: encode_zpl(im, darkness=darkness)  # noqa: E731
    elif kind == "brotherql":
        media = query.get("media", "62x100" if template.name == "brother-62x100" else "62")
        if media not in MEDIA:
            raise PrinterError(
                f"Unknown Brother label {media!r}; use one of {', '.join(MEDIA)}.", code="bad_url"
            )
        cut, compress = flag("cut", "1"), flag("compress", "0")
        encode = lambda im: encode_brother_ql(im, media, cut=cut, compress=compress)  # noqa: E731
    else:
        cut = flag("cut", "1")
        encode = lambda im: encode_escpos(im, cut=cut)  # noqa: E731
    return RawPrinter(url, template, encode, _sender(kind, transport, parts, query))


def printer_from_url(url: str, *, file_dirs: Sequence[str | Path] = ()) -> BadgePrinter:
    """Build the driver a printer URL names; a bad URL gets a message saying what is expected.

    `file_dirs`: the folders file:// printers may write into (none given: none may).
    """
    parts = urlsplit(url.strip())
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    scheme = parts.scheme.lower()
    kind, _, transport = scheme.partition("+")
    if scheme == "file":
        fmt = query.get("format", "png").lower()
        if fmt not in ("png", "pdf"):
            raise PrinterError("file:// printers write format=png or format=pdf.", code="bad_url")
        roots = [Path(d) for d in file_dirs]
        return FilePrinter(url, _template("file", query), Path(unquote(parts.path)), fmt, roots)
    if scheme == "memory":
        return MemoryPrinter(url, _template("memory", query))
    if scheme in ("ipp", "ipps"):
        bare = parts._replace(query="").geturl()
        return IppPrinter(bare, _template("ipp", query), document_format=query.get("format"),
                          timeout=_timeout(query, ipp.TIMEOUT))  # fmt: skip
    if scheme == "cups":
        queue = parts.netloc or parts.path.strip("/")
        return CupsPrinter(url, _template("cups", query), unquote(queue))
    if kind in ("zpl", "brotherql", "escpos"):
        return _raw(kind, transport or "tcp", parts, url, query)
    raise PrinterError(
        f"Unknown printer address {url!r}. Use ipp://, ipps://, zpl+tcp://, brotherql+tcp://, "
        "escpos+tcp://, file:// or cups://.",
        code="bad_url",
    )
