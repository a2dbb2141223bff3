"""The supervisor's ticketing screen: each connection's last pull, push and error, and the
check-ins a ticketing system refused. Refreshes itself; "Pull and push now" is a plain form."""

from __future__ import annotations

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext

from kiosk import clock
from kiosk.ticketing import pushing, records, runner, store
from kiosk.views.staff import staff_required
from kiosk.web import get_db

bp = Blueprint("ticketing", __name__, url_prefix="/ticketing")


@bp.get("")
@staff_required("settings")
def index() -> Response:
    """Connections and refusals; an htmx request gets the section alone."""
    db = get_db()
    connections = store.all_connections(db)
    waiting = {c.name: runner.waiting(db, c) for c in connections}
    partial = request.headers.get("HX-Request") == "true"
    page = "ticketing/_status.html" if partial else "ticketing/index.html"
    response = Response(render_template(page, connections=connections, waiting=waiting,
                                        refusals=pushing.refusals(db)))  # fmt: skip
    response.headers["Vary"] = "HX-Request"
    return response


@bp.post("/run")
@staff_required("settings")
def run() -> Response:
    """Pulls and pushes every connection now (the background loop does it anyway)."""
    db = get_db()
    for conn in store.all_connections(db):
        try:
            pulled = runner.pull(db, conn, clock.now)
            pushed = runner.push(db, store.get(db, conn.name) or conn, clock.now)
        except records.TicketingError as exc:
            flash(f"{conn.name}: {exc.words}", "error")
            continue
        flash(gettext("%(name)s: %(added)d added, %(updated)d updated, %(cancelled)d cancelled;"
                      " %(sent)d check-ins sent, %(refused)d refused.", name=conn.name,
                      added=pulled.added, updated=pulled.updated, cancelled=pulled.cancelled,
                      sent=pushed.sent, refused=pushed.refused), "ok")  # fmt: skip
    return redirect(url_for(".index"), 303)  # type: ignore[return-value]
