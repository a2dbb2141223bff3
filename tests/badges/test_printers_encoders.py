"""ZPL, Brother QL and ESC/POS encoders: golden bytes, and decoded pixels equal to the input."""

from __future__ import annotations

import pytest
from PIL import Image, ImageChops
from printer_decoders import decode_brother, decode_escpos, decode_zpl, unpackbits
from printer_golden import check_golden
from printer_samples import SAMPLES, pure

from printers.brother_ql import MEDIA, encode_brother_ql, packbits
from printers.escpos import BAND_ROWS, encode_escpos
from printers.zpl import encode_zpl


def same_pixels(a: Image.Image, b: Image.Image) -> bool:
    return a.size == b.size and ImageChops.difference(pure(a), pure(b)).getbbox() is None


@pytest.mark.parametrize("name", SAMPLES)
def test_zpl_golden_and_decodes_to_the_input(name):
    image = SAMPLES[name]()
    data = encode_zpl(image)
    check_golden(f"zpl/{name}.zpl", data)
    commands, decoded = decode_zpl(data)
    assert commands["LL"] == str(image.height)
    assert commands["PQ"] == "1"
    assert same_pixels(decoded, image)


def test_zpl_padding_bits_stay_white():
    # 21 dots wide: the last 3 bits of each row are padding and must not print as black.
    data = encode_zpl(SAMPLES["border"]())
    _commands, decoded = decode_zpl(data)
    assert decoded.width == 21


@pytest.mark.parametrize("compress", [False, True], ids=["plain", "packbits"])
@pytest.mark.parametrize("name", ["black", "checker", "arrow", "border"])
def test_brother_golden_and_decodes_to_the_input(name, compress):
    image = SAMPLES[name]()
    media = MEDIA["62"]
    data = encode_brother_ql(image, "62", compress=compress)
    check_golden(f"brother/{name}-{'packbits' if compress else 'plain'}.bin", data)
    info, label = decode_brother(data, media.printable_dots, media.offset_pins)
    assert info["invalidate"] == 400 and info["init"]
    assert info["kind"] == 0x0A and info["width_mm"] == 62 and info["length_mm"] == 0
    assert info["raster_count"] == image.height
    assert info["compressed"] is compress
    assert info["end"] == 0x1A
    expected = Image.new("L", (media.printable_dots, image.height), 255)
    expected.paste(pure(image), ((media.printable_dots - image.width) // 2, 0))
    assert same_pixels(label, expected)


def test_brother_die_cut_declares_length_and_no_feed():
    data = encode_brother_ql(SAMPLES["arrow"](), "62x100")
    info, _label = decode_brother(data, 696, 12)
    assert info["kind"] == 0x0B and info["length_mm"] == 100 and info["margin"] == 0
    assert info["flags"] & 0x08, "the media length flag is set for die-cut labels"


def test_brother_refuses_a_badge_wider_than_the_tape():
    from printers.base import PrinterError

    with pytest.raises(PrinterError) as err:
        encode_brother_ql(Image.new("L", (800, 10), 255), "62")
    assert err.value.code == "bad_media"


@pytest.mark.parametrize(
    "row",
    [b"", b"\x00", b"\x00" * 90, b"\x01\x02\x03", bytes(range(200)), b"\xaa\xaa\x01" * 40],
)
def test_packbits_round_trip(row):
    assert unpackbits(packbits(row)) == row


@pytest.mark.parametrize("name", SAMPLES)
def test_escpos_golden_and_decodes_to_the_input(name):
    image = SAMPLES[name]()
    data = encode_escpos(image)
    check_golden(f"escpos/{name}.bin", data)
    info, decoded = decode_escpos(data)
    assert info["cut"] == 0 and info["feed"] == 4
    assert same_pixels(decoded.crop((0, 0, image.width, image.height)), image)
    assert decoded.width == (image.width + 7) // 8 * 8


def test_escpos_splits_tall_images_into_bands():
    image = SAMPLES["checker"](16, BAND_ROWS * 2 + 5)
    info, decoded = decode_escpos(encode_escpos(image, cut=False))
    assert info["bands"] == 3 and "cut" not in info
    assert same_pixels(decoded, image)
