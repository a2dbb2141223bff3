"""Badge rendering and printer drivers: plain data in, images, documents or print jobs out.

This package never imports the web application or the database; the kiosk hands it a Badge.
"""

from printers.badge import Badge
from printers.base import BadgePrinter, Printer, PrinterError, PrintResult
from printers.layout import BadgePlan, plan_badge, render_badge
from printers.pdf import SheetLayout, badge_pdf, sheet_pdf
from printers.png import encode_png
from printers.templates import TEMPLATES, Template, band_colour, get_template
from printers.urls import open_printer

__all__ = [
    "TEMPLATES",
    "Badge",
    "BadgePlan",
    "BadgePrinter",
    "PrintResult",
    "Printer",
    "PrinterError",
    "SheetLayout",
    "Template",
    "badge_pdf",
    "band_colour",
    "encode_png",
    "get_template",
    "open_printer",
    "plan_badge",
    "render_badge",
    "sheet_pdf",
]
