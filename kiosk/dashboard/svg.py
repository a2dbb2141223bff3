"""The arrival curve as an accessible SVG: the day's arrivals so far against the expected total.

Drawn on the server (no chart library, no script): an image with a title and a description
that say the numbers, bars for each slot's arrivals, a line for the running total and a dashed
line for the people expected. The same numbers are in a table next to it for screen readers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 36


@dataclass(frozen=True)
class Point:
    """One slot: its label on the time axis, its arrivals, and the running total."""

    label: str
    arrivals: int
    cumulative: int


def _nice_top(value: int) -> int:
    """A round number at or above `value` for the top of the scale."""
    step = 1
    while step * 10 <= value:
        step *= 10
    for factor in (1, 2, 5, 10):
        if value <= step * factor:
            return max(step * factor, 1)
    return value


def curve(points: Sequence[Point], expected: int, title: str, desc: str,
          labels: dict[str, str], ident: str = "curve") -> Markup:  # fmt: skip
    """The chart; `labels` names its parts ("expected", "arrived", "per_slot") for the legend;
    `ident` prefixes its element ids (unique on the page)."""
    top = _nice_top(max([expected, *(p.cumulative for p in points), 1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    n = max(len(points), 1)
    step = plot_w / n

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    peak = max([p.arrivals for p in points] + [1])
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="arrival-curve" role="img"'
             f' viewBox="0 0 {WIDTH} {HEIGHT}" aria-labelledby="{ident}-title {ident}-desc">',
             f'<title id="{ident}-title">{escape(title)}</title>',
             f'<desc id="{ident}-desc">{escape(desc)}</desc>']  # fmt: skip
    for tick in range(5):
        value = top * tick / 4
        at = y(value)
        parts.append(f'<line class="grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{at:.1f}"'
                     f' y2="{at:.1f}"/><text class="axis" x="{LEFT - 6}" y="{at + 4:.1f}"'
                     f' text-anchor="end">{int(value)}</text>')  # fmt: skip
    for i, p in enumerate(points):  # each slot's arrivals, scaled to the lower third
        h = plot_h / 3 * p.arrivals / peak
        parts.append(f'<rect class="slot" x="{LEFT + i * step + 1:.1f}" y="{TOP + plot_h - h:.1f}"'
                     f' width="{max(step - 2, 1):.1f}" height="{h:.1f}"/>')  # fmt: skip
    every = max(1, n // 8)
    for i, p in enumerate(points):
        if i % every == 0:
            parts.append(f'<text class="axis" x="{LEFT + i * step:.1f}" y="{HEIGHT - 12}"'
                         f' text-anchor="start">{escape(p.label)}</text>')  # fmt: skip
    if points:
        line = " ".join(f"{LEFT + (i + 1) * step:.1f},{y(p.cumulative):.1f}"
                        for i, p in enumerate(points))  # fmt: skip
        parts.append(f'<polyline class="total" points="{LEFT},{y(0):.1f} {line}"/>')
    parts.append(f'<line class="expected" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y(expected):.1f}"'
                 f' y2="{y(expected):.1f}"/>')  # fmt: skip
    parts.append(_legend(labels))
    parts.append("</svg>")
    return Markup("".join(parts))  # noqa: S704 - every text inside was escaped above


def _legend(labels: dict[str, str]) -> str:
    items = (("total", labels["arrived"]), ("expected", labels["expected"]),
             ("slot", labels["per_slot"]))  # fmt: skip
    out, x = [], LEFT + 8
    for css, text in items:
        out.append(f'<line class="{css} key" x1="{x}" x2="{x + 18}" y1="{TOP + 8}"'
                   f' y2="{TOP + 8}"/><text class="legend" x="{x + 24}" y="{TOP + 12}">'
                   f"{escape(text)}</text>")  # fmt: skip
        x += 40 + 8 * len(text)
    return "".join(out)
