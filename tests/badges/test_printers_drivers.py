"""Printer URLs, raw TCP and device-file printers, file output, and the CUPS hand-off."""

from __future__ import annotations

import pytest
from PIL import Image
from printer_decoders import decode_brother, decode_escpos, decode_zpl
from printer_names import HARD

from printers import Printer, PrinterError, badge_pdf, open_printer, render_badge
from printers.drivers import CupsPrinter, FilePrinter, MemoryPrinter, RawPrinter
from printers.ipp_printer import IppPrinter
from printers.transport import write_device
from tests.support.processes import free_port
from tests.support.qr import read_qr


@pytest.mark.parametrize(
    ("url", "cls", "template", "dpi", "mono"),
    [
        ("file:///tmp/badges", FilePrinter, "4x3", 300, False),
        ("memory://", MemoryPrinter, "4x3", 300, False),
        ("ipp://10.0.0.9/ipp/print", IppPrinter, "a6", 300, False),
        ("ipps://10.0.0.9:443/ipp/print?template=4x6&mono=1", IppPrinter, "4x6", 300, True),
        ("zpl+tcp://10.0.0.5:9100", RawPrinter, "4x3", 203, True),
        ("zpl+tcp://10.0.0.5?template=4x6&dpi=300", RawPrinter, "4x6", 300, True),
        ("brotherql+tcp://10.0.0.6", RawPrinter, "brother-62", 300, True),
        (
            "brotherql+file:///dev/usb/lp0?template=brother-62x100",
            RawPrinter,
            "brother-62x100",
            300,
            True,
        ),
        ("escpos+tcp://10.0.0.7:9100", RawPrinter, "receipt-80", 203, True),
        ("cups://Badges", CupsPrinter, "a6", 300, False),
    ],
)
def test_urls_choose_driver_template_and_resolution(url, cls, template, dpi, mono):
    printer = open_printer(url, file_dirs=["/tmp"])
    assert isinstance(printer, cls) and isinstance(printer, Printer)
    assert (printer.template.name, printer.template.dpi, printer.template.mono) == (
        template,
        dpi,
        mono,
    )


@pytest.mark.parametrize(
    "url",
    [
        "lpd://x",
        "zpl+usb://x",
        "zpl+tcp:///nohost",
        "file:///x?format=gif",
        "ipp://h?template=A7",
        "brotherql+tcp://h?media=29x90",
        "zpl+tcp://h?dpi=lots",
    ],
)
def test_bad_urls_are_explained(url):
    with pytest.raises(PrinterError) as err:
        open_printer(url)
    assert err.value.code in ("bad_url", "bad_template") and not err.value.retryable


@pytest.mark.e2e
def test_zpl_over_tcp_9100_reaches_the_printer_as_encoded(raw_capture, tmp_path):
    printer = open_printer(f"zpl+tcp://{raw_capture.host}:{raw_capture.port}")
    result = printer.print(HARD["vietnamese"])
    assert result.state == "sent"
    raw_capture.done.wait()
    (job,) = raw_capture.jobs
    commands, image = decode_zpl(job)
    assert commands["PW"] == "812" and commands["LL"] == "609"
    expected = render_badge(HARD["vietnamese"], printer.template).convert("L")
    assert image.tobytes() == expected.tobytes()
    assert read_qr(image) == [HARD["vietnamese"].code]


@pytest.mark.e2e
def test_brother_over_tcp_decodes_to_a_readable_badge(raw_capture, tmp_path):
    printer = open_printer(f"brotherql+tcp://{raw_capture.host}:{raw_capture.port}?compress=1")
    printer.print(HARD["devanagari"])
    raw_capture.done.wait()
    info, label = decode_brother(raw_capture.jobs[0], 696, 12)
    assert info["compressed"] and info["raster_count"] == label.height == 1181
    expected = render_badge(HARD["devanagari"], printer.template).convert("L")
    assert label.tobytes() == expected.tobytes()
    assert read_qr(label) == [HARD["devanagari"].code]


@pytest.mark.e2e
def test_escpos_receipt_over_tcp(raw_capture):
    printer = open_printer(f"escpos+tcp://{raw_capture.host}:{raw_capture.port}")
    printer.print(HARD["korean"])
    raw_capture.done.wait()
    (job,) = raw_capture.jobs
    info, image = decode_escpos(job)
    assert image.width == 576 and info["cut"] == 0
    assert read_qr(image) == [HARD["korean"].code]


def test_missing_device_is_explained():
    with pytest.raises(PrinterError) as err:
        open_printer("brotherql+file:///dev/usb/lp987").print(HARD["latin"])
    assert err.value.code == "unreachable" and "USB" in err.value.message


@pytest.mark.parametrize("kind", ["zpl", "brotherql", "escpos"])
def test_a_device_url_writes_only_to_printer_device_nodes(tmp_path, kind):
    """Else a URL such as zpl+file:///path/kiosk.sqlite3 would overwrite the database."""
    victim = tmp_path / "kiosk.sqlite3"
    victim.write_bytes(b"SQLite format 3\x00")
    for path in (victim, tmp_path / "lp0", "/etc/passwd", "/dev/sda", "/dev/usb/../sda"):
        with pytest.raises(PrinterError) as err:
            open_printer(f"{kind}+file://{path}")
        assert err.value.code == "not_allowed" and "/dev/usb/lp0" in err.value.message
    with pytest.raises(PrinterError) as err:  # at print time too, whoever made the printer
        write_device(victim, b"^XA^XZ")
    assert err.value.code == "not_allowed"
    assert victim.read_bytes() == b"SQLite format 3\x00"


def test_a_file_printer_writes_only_inside_its_allowed_folders(tmp_path):
    allowed = tmp_path / "allowed"
    allowed.mkdir()
    (allowed / "kiosk.sqlite3").write_bytes(b"db")
    (allowed / "escape").symlink_to(tmp_path)
    for url in (
        f"file://{tmp_path}/elsewhere",  # outside
        f"file://{allowed}/../elsewhere",  # outside, by a detour
        f"file://{allowed}/escape/x",  # outside, through a link
        f"file://{allowed}/kiosk.sqlite3?format=pdf",  # an existing file is no folder
    ):
        with pytest.raises(PrinterError) as err:
            open_printer(url, file_dirs=[allowed])
        assert err.value.code == "not_allowed", url
    with pytest.raises(PrinterError):
        open_printer(f"file://{allowed}/badges")  # no folder allowed at all
    printer = open_printer(f"file://{allowed}/badges", file_dirs=[allowed])
    (allowed / "badges").symlink_to(tmp_path)  # the folder became a link out after set-up
    with pytest.raises(PrinterError) as err:
        printer.print(HARD["latin"])
    assert err.value.code == "not_allowed" and list(tmp_path.glob("*.png")) == []


def test_raw_printer_that_is_off_is_retryable():
    with pytest.raises(PrinterError) as err:
        open_printer(f"zpl+tcp://127.0.0.1:{free_port()}").print(HARD["latin"])
    assert err.value.retryable and "127.0.0.1" in err.value.message


@pytest.mark.parametrize("fmt", ["png", "pdf"])
def test_file_printer_writes_named_files(tmp_path, fmt):
    printer = open_printer(f"file://{tmp_path}/out?format={fmt}", file_dirs=[tmp_path])
    result = printer.print(HARD["latin"], job_name="badge 42/../x")
    path = tmp_path / "out" / result.job_id
    assert path.parent == tmp_path / "out" and path.suffix == f".{fmt}"
    if fmt == "png":
        with Image.open(path) as image:
            assert image.size == (1200, 900) and round(image.info["dpi"][0]) == 300
    else:
        assert path.read_bytes() == badge_pdf([render_badge(HARD["latin"], printer.template)], 300)


def test_memory_printer_keeps_the_images():
    printer = open_printer("memory://?template=cr80")
    printer.print(HARD["cjk"], job_name="one")
    assert printer.jobs[0][0] == "one" and printer.jobs[0][1].size == (1011, 638)


def test_template_passed_at_print_time_keeps_the_printers_resolution():
    printer = open_printer("memory://?dpi=150")
    printer.print(HARD["latin"], template=open_printer("memory://?template=a6").template)
    assert printer.jobs[0][1].size == (620, 874)


def test_cups_without_lp_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))  # a machine without the CUPS client
    with pytest.raises(PrinterError) as err:
        open_printer("cups://Badges").print(HARD["latin"])
    assert err.value.code == "not_installed" and "cups-client" in err.value.message
