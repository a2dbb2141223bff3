"""IPP: our encoding against hand-built bytes, and real jobs on a virtual IPP printer."""

from __future__ import annotations

import struct

import pytest
from printer_names import HARD

from printers import PrinterError, badge_pdf, encode_png, ipp, open_printer, render_badge
from tests.support.printers import hung_printer
from tests.support.processes import free_port


def attr(tag: int, name: str, value: bytes) -> bytes:
    """One IPP attribute as RFC 8010 lays it out, written independently of the encoder."""
    return bytes([tag]) + struct.pack(">H", len(name)) + name.encode() + struct.pack(
        ">H", len(value)) + value  # fmt: skip


def test_request_encoding_matches_rfc8010_layout():
    message = ipp.IppMessage(ipp.GET_JOB_ATTRIBUTES, 7)
    attrs = ipp.operation_attributes("ipp://h/ipp/print", (ipp.INTEGER, "job-id", 3))
    data = ipp.encode(message, [(ipp.OPERATION, attrs)])

    expected = (
        b"\x01\x01\x00\x09\x00\x00\x00\x07\x01"
        + attr(0x47, "attributes-charset", b"utf-8")
        + attr(0x48, "attributes-natural-language", b"en")
        + attr(0x45, "printer-uri", b"ipp://h/ipp/print")
        + attr(0x21, "job-id", b"\x00\x00\x00\x03")
        + b"\x03"
    )
    assert data == expected


def test_decoding_handles_multiple_values_and_collections():
    body = (
        b"\x01\x01\x00\x00\x00\x00\x00\x01\x04"
        + attr(0x44, "printer-state-reasons", b"media-low")
        + attr(0x44, "", b"toner-low")
        + attr(0x34, "media-col-default", b"")
        + attr(0x4A, "", b"media-size")
        + attr(0x34, "", b"")
        + attr(0x4A, "", b"x-dimension")
        + attr(0x21, "", struct.pack(">i", 10500))
        + attr(0x37, "", b"")
        + attr(0x37, "", b"")
        + attr(0x23, "printer-state", struct.pack(">i", 3))
        + b"\x03DATA"
    )
    message = ipp.decode(body)
    printer = message.group(ipp.PRINTER)
    assert printer["printer-state-reasons"] == ["media-low", "toner-low"]
    assert printer["media-col-default"] == [{"media-size": [{"x-dimension": [10500]}]}]
    assert printer["printer-state"] == [3]
    assert message.data == b"DATA"


@pytest.mark.e2e
def test_png_badge_is_printed_and_followed_to_completed(virtual_ipp):
    printer = open_printer(virtual_ipp.uri + "?format=image/png")
    badge = HARD["arabic"]
    result = printer.print(badge, job_name="badge-arabic")
    assert result.state == "printed" and result.job_id
    (spooled,) = virtual_ipp.spooled()
    # The printer stored exactly the document we rendered for it.
    expected = encode_png(render_badge(badge, printer.template), printer.template.dpi)
    assert spooled.read_bytes() == expected
    assert "badge-arabic" in spooled.name


@pytest.mark.e2e
def test_pdf_is_preferred_when_the_printer_takes_it(virtual_ipp):
    printer = open_printer(virtual_ipp.uri)
    result = printer.print(HARD["cjk"], job_name="badge-cjk")
    assert result.state == "printed"
    (spooled,) = virtual_ipp.spooled()
    assert spooled.suffix == ".pdf"
    assert spooled.read_bytes() == badge_pdf([render_badge(HARD["cjk"], printer.template)], 300)


@pytest.mark.e2e
def test_printer_state_is_reported(virtual_ipp):
    assert open_printer(virtual_ipp.uri).check().startswith("idle")


@pytest.mark.e2e
def test_printer_without_a_usable_format_is_explained(virtual_ipp_raster_only):
    with pytest.raises(PrinterError) as err:
        open_printer(virtual_ipp_raster_only.uri).print(HARD["latin"])
    assert err.value.code == "unsupported_format" and not err.value.retryable
    assert "cups://" in err.value.message


@pytest.mark.e2e
def test_wrong_path_on_a_real_printer_is_an_error(virtual_ipp):
    bad = virtual_ipp.uri.replace("/ipp/print", "/ipp/nothing-here")
    with pytest.raises(PrinterError) as err:
        open_printer(bad).print(HARD["latin"])
    assert err.value.code in ("rejected", "unreachable")


def test_printer_that_is_off_is_retryable():
    with pytest.raises(PrinterError) as err:
        open_printer(f"ipp://127.0.0.1:{free_port()}/ipp/print").print(HARD["latin"])
    assert err.value.code == "unreachable" and err.value.retryable
    assert "switched on" in err.value.message


@pytest.mark.parametrize("scheme", ["ipp", "zpl+tcp"])
def test_a_printer_that_hangs_ends_the_try_at_its_timeout(scheme):
    """A printer that accepts and never answers must not hold its worker for ever."""
    with hung_printer() as hung:
        path = "/ipp/print" if scheme == "ipp" else ""
        printer = open_printer(f"{scheme}://{hung.host}:{hung.port}{path}?timeout=0.5")
        if scheme == "ipp":
            with pytest.raises(PrinterError) as err:
                printer.print(HARD["latin"])
            assert err.value.code == "timeout" and err.value.retryable
            assert "did not answer within 0.5 s" in err.value.message
        else:  # a raw printer cannot confirm: what it took is handed over
            assert printer.print(HARD["latin"]).state == "sent"
        assert hung.done.is_set()


def test_a_timeout_in_the_url_must_be_a_sane_number():
    for bad in ("soon", "0", "-1", "9999"):
        with pytest.raises(PrinterError) as err:
            open_printer(f"ipp://10.0.0.9/ipp/print?timeout={bad}")
        assert err.value.code == "bad_url"
