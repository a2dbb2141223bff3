"""Synthetic, font-free bitmaps for encoder tests: their pixels never change between releases."""

from __future__ import annotations

from PIL import Image, ImageDraw


def white(w: int = 16, h: int = 4) -> Image.Image:
    return Image.new("L", (w, h), 255)


def black(w: int = 16, h: int = 4) -> Image.Image:
    return Image.new("L", (w, h), 0)


def checker(w: int = 24, h: int = 8, cell: int = 2) -> Image.Image:
    image = white(w, h)
    for y in range(h):
        for x in range(w):
            if (x // cell + y // cell) % 2:
                image.putpixel((x, y), 0)
    return image


def border(w: int = 21, h: int = 9) -> Image.Image:
    """A one-dot frame on a width that is not a multiple of 8: padding bits must stay white."""
    image = white(w, h)
    ImageDraw.Draw(image).rectangle((0, 0, w - 1, h - 1), outline=0)
    return image


def corners(w: int = 13, h: int = 5) -> Image.Image:
    image = white(w, h)
    for xy in ((0, 0), (w - 1, 0), (0, h - 1), (w - 1, h - 1)):
        image.putpixel(xy, 0)
    return image


def arrow(w: int = 40, h: int = 12) -> Image.Image:
    """Asymmetric left to right, so a missing or doubled mirror shows."""
    image = white(w, h)
    ImageDraw.Draw(image).polygon([(0, 0), (w - 1, h // 2), (0, h - 1)], fill=0)
    return image


SAMPLES = {
    "white": white,
    "black": black,
    "checker": checker,
    "border": border,
    "corners": corners,
    "arrow": arrow,
}


def pure(image: Image.Image) -> Image.Image:
    """The image as pure black and white greyscale, for pixel comparisons."""
    return image.convert("L").point(lambda v: 0 if v < 128 else 255)
