"""The post-event report for the organiser: a printable page and the same report as PDF."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template
from flask_babel import gettext

from kiosk import clock
from kiosk.dashboard import figures
from kiosk.desk.event import load as load_event
from kiosk.documents.pdf import report_pdf
from kiosk.reports import event as report
from kiosk.views.dashboard import PERMISSION, chart
from kiosk.views.staff import staff_required
from kiosk.web import get_db

bp = Blueprint("reports", __name__, url_prefix="/reports")


def _build() -> tuple[str, str, list[Any]]:
    return report.build(get_db(), current_app.config["DATABASE"], clock.now(), gettext)


@bp.get("/event")
@staff_required(PERMISSION)
def event() -> str:
    """The whole report on one page, with each day's arrival curve; prints on A4."""
    title, subtitle, sections = _build()
    db, key, now = get_db(), current_app.config["DATABASE"], clock.now()
    days = [figures.arrivals(db, key, d, 60, now) for d in load_event(db).dates()]
    curves = [chart(day, f"curve-{day.day.isoformat()}") for day in days if day.buckets]
    return render_template("reports/event.html", title=title, subtitle=subtitle,
                           sections=sections, curves=curves,
                           curves_after=report.SECTIONS.index(report.arrival_curve))  # fmt: skip


@bp.get("/event.pdf")
@staff_required(PERMISSION)
def event_pdf() -> Response:
    """The same report as a PDF (tables only), for the archive and the organiser's mail."""
    title, subtitle, sections = _build()
    response = Response(report_pdf(title, subtitle, sections), mimetype="application/pdf")
    response.headers["Content-Disposition"] = 'attachment; filename="post-event-report.pdf"'
    return response
