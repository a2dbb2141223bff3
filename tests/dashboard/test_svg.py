"""The arrival curve is an image that says its numbers, and names in it cannot inject markup."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from kiosk.dashboard import svg

LABELS = {"arrived": "Arrived so far", "expected": "Expected", "per_slot": "Per slot"}
NS = {"s": "http://www.w3.org/2000/svg"}


def test_the_curve_has_a_title_and_description_and_draws_each_slot() -> None:
    points = [svg.Point("07:30", 10, 10), svg.Point("07:45", 30, 40), svg.Point("08:00", 5, 45)]
    image = ET.fromstring(str(svg.curve(points, 100, "Arrivals <today>", "45 of 100", LABELS)))  # noqa: S314
    assert image.get("role") == "img"
    assert image.get("aria-labelledby") == "curve-title curve-desc"
    assert image.find("s:title", NS).text == "Arrivals <today>"  # escaped, read back as text
    assert image.find("s:desc", NS).text == "45 of 100"
    assert len(image.findall("s:rect", NS)) == 3
    total = image.find("s:polyline", NS).get("points").split()
    assert len(total) == 4  # from zero, then one point per slot
    ys = [float(p.split(",")[1]) for p in total]
    assert ys == sorted(ys, reverse=True)  # the running total only rises


def test_an_empty_day_still_draws_the_expected_line() -> None:
    image = ET.fromstring(str(svg.curve([], 250, "t", "d", LABELS, ident="day2")))  # noqa: S314
    assert image.find("s:polyline", NS) is None
    assert image.find("s:line[@class='expected']", NS) is not None
    assert image.find("s:title", NS).get("id") == "day2-title"
