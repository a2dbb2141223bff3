"""Choosing a printer by URL: the one place that knows every driver."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from urllib.parse import SplitResult, parse_qs, unquote, urlsplit

from printers import ipp
from printers.base import BadgePrinter, Printer, PrinterError
from printers.brother_ql import MEDIA, encode_brother_ql
from printers.drivers import DEFAULTS, CupsPrinter, FilePrinter, MemoryPrinter, RawPrinter
from printers.escpos import encode_escpos
from printers.ipp_printer import IppPrinter
from printers.templates import Template, get_template
from printers.transport import RAW_PORT, RAW_TIMEOUT, check_device, send_tcp, write_device
from printers.zpl import encode_zpl


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


def open_printer(url: str, *, file_dirs: Sequence[str | Path] = ()) -> Printer:
    """Turn a printer URL from the configuration into a ready Printer object.

    file:// printers may write only inside one of `file_dirs` (by default nowhere).
    """
    return printer_from_url(url, file_dirs=file_dirs)
