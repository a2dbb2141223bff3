"""What every printer offers, what it answers, and how one is chosen by URL."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from PIL import Image

    from printers.badge import Badge
    from printers.templates import Template


class PrinterError(Exception):
    """A badge that did not print. `code` is for programs, `message` for the venue technician.

    `retryable` says whether sending the same job again later may succeed (printer off, busy,
    out of paper) or not (bad URL, a format the printer refuses, a missing font).
    """

    def __init__(self, message: str, *, code: str = "failed", retryable: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.retryable = retryable


@dataclass(frozen=True)
class PrintResult:
    """A job the printer accepted; `state` is `printed` once it reports completion."""

    printer: str
    state: str  # "printed" (confirmed or handed over) or "sent" (no way to know more)
    job_id: str | None = None
    detail: str = ""


@runtime_checkable
class Printer(Protocol):
    """One destination for badges, chosen by URL; `print` blocks until it knows the outcome."""

    url: str
    template: Template

    def print(
        self, badge: Badge, *, template: Template | None = None, job_name: str = "badge"
    ) -> PrintResult:
        """Render the badge for this printer, send it, and follow it until done."""
        ...

    def print_image(
        self, image: Image.Image, *, job_name: str = "badge", template: Template | None = None
    ) -> PrintResult:
        """Send an already rendered badge (rendered at this printer's dpi)."""
        ...

    def check(self) -> str:
        """Ask the printer how it is; returns a short state or raises PrinterError."""
        ...


class BadgePrinter:
    """Shared part of the drivers: render at the printer's template, then `print_image`."""

    url: str
    template: Template

    def print(
        self, badge: Badge, *, template: Template | None = None, job_name: str = "badge"
    ) -> PrintResult:
        """Render the badge with this printer's resolution and colours, then send it."""
        from printers.layout import render_badge

        t = (
            self.template
            if template is None
            else template.at(self.template.dpi, self.template.mono)
        )
        return self.print_image(render_badge(badge, t), job_name=job_name, template=t)

    def print_image(
        self, image: Image.Image, *, job_name: str = "badge", template: Template | None = None
    ) -> PrintResult:
        """Send an image rendered for this printer."""
        raise NotImplementedError

    def check(self) -> str:
        """Most raw printers cannot be asked; report what is known."""
        return "unknown"
