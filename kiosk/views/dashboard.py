"""The supervisor's arrivals dashboard (a page that refreshes its figures every 5 s) and
GET /api/v1/stats/arrivals, which answers the same figures to other screens."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

from flask import Blueprint, Response, current_app, jsonify, render_template, request
from flask_babel import gettext

from kiosk import clock
from kiosk.dashboard import figures, svg
from kiosk.desk.event import load as load_event
from kiosk.replication import peering
from kiosk.views.staff import staff_required
from kiosk.web import api_permission, get_db, json_error

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")
api_bp = Blueprint("stats_api", __name__, url_prefix="/api/v1/stats")
PERMISSION = "settings"  # supervisors only: the figures name no one, but steer the venue
BUCKETS = (5, 10, 15, 30, 60)
DEFAULT_BUCKET = 15


class BadQuery(ValueError):
    """A day or bucket the figures cannot be drawn for; the message says which."""


def _day(raw: str | None) -> date:
    if raw is None:  # absent: today; present, it must be a date
        return load_event(get_db()).local_date(clock.now())
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadQuery("day must be a date like 2026-12-01") from None


def _bucket(raw: str | None, allowed: tuple[int, ...]) -> int:
    if raw is None:
        return DEFAULT_BUCKET
    if not raw.isdigit() or int(raw) not in allowed:
        raise BadQuery(f"bucket must be one of {', '.join(map(str, allowed))} minutes")
    return int(raw)


def _arrivals(day: date, bucket: int, now: datetime) -> figures.Arrivals:
    cfg = current_app.config
    return figures.arrivals(get_db(), cfg["DATABASE"], day, bucket, now,
                            float(cfg["DASHBOARD_WAIT_MINUTES"]))  # fmt: skip


def chart(found: figures.Arrivals, ident: str = "curve") -> Any:
    """The day's arrival curve as SVG, its title and description in the reader's language."""
    points = [svg.Point(b.start.strftime("%H:%M"), b.checked_in, b.cumulative)
              for b in found.buckets]  # fmt: skip
    title = gettext("Arrivals on %(day)s", day=found.day.isoformat())
    desc = gettext("%(arrived)d of %(expected)d expected people have arrived, in %(n)d-minute"
                   " slots; the table below lists each slot.", arrived=found.checked_in,
                   expected=found.expected, n=found.bucket_minutes)  # fmt: skip
    labels = {"arrived": gettext("Arrived so far"), "expected": gettext("Expected"),
              "per_slot": gettext("Per slot")}  # fmt: skip
    return svg.curve(points, found.expected, title, desc, labels, ident)


def _context(day: date, bucket: int) -> dict[str, Any]:
    db, key, now = get_db(), current_app.config["DATABASE"], clock.now()  # one instant throughout
    found = _arrivals(day, bucket, now)
    today = load_event(db).local_date(now) == day
    every = figures.sessions(db, key, day, now)
    return {
        "found": found,
        "chart": chart(found),
        "sessions": figures.around(every, now) if today else every,
        "all_sessions": len(every),
        "upcoming_hours": figures.UPCOMING_HOURS,
        "occupancy": figures.occupancy(db, key, now) if today else [],
        "sync": peering.status(db, current_app.config["SYNC_PEER"]),
        "updated": now,
        "today": today,
        "bucket": bucket,
        "threshold": current_app.config["DASHBOARD_WAIT_MINUTES"],
        "recent_slots": 8,
        "inf": math.inf,
    }


@bp.get("")
@staff_required(PERMISSION)
def index() -> Any:
    """The page; its live part asks for /dashboard/live every 5 s."""
    try:
        day, bucket = _day(request.args.get("day")), _bucket(request.args.get("bucket"), BUCKETS)
    except BadQuery as exc:
        return render_template("error.html", status=400, message=str(exc)), 400
    days = load_event(get_db()).dates()
    return render_template("dashboard/index.html", days=days, **_context(day, bucket))


@bp.get("/live")
@staff_required(PERMISSION)
def live() -> Any:
    """The figures alone, for the page's poll (the page keeps its scroll and focus)."""
    try:
        day, bucket = _day(request.args.get("day")), _bucket(request.args.get("bucket"), BUCKETS)
    except BadQuery as exc:
        return Response(str(exc), 400)
    response = Response(render_template("dashboard/_live.html", **_context(day, bucket)))
    response.headers["Vary"] = "HX-Request"
    return response


def _finite(value: float) -> float | None:
    """JSON has no infinity: a wait that grows without bound is null."""
    return None if math.isinf(value) else round(value, 3)


def forecast_json(found: figures.Arrivals) -> dict[str, Any]:
    """The contract's `forecast` object: the queue (Erlang C) and the headcounts of the next
    meal and the next plenary."""
    out: dict[str, Any] = {"model": "erlang_c", "queue": None, "headcount": []}
    if (q := found.queue) is not None:
        out["queue"] = {"arrival_rate_per_min": round(q.arrival_rate, 3),
                        "service_rate_per_min": round(q.service_rate, 3), "desks_open": q.desks,
                        "utilisation": _finite(q.utilisation),
                        "wait_probability": round(q.wait_probability, 3),
                        "expected_wait_min": _finite(q.expected_wait),
                        "open_another_lane": q.open_lane,
                        "desks_needed": q.desks_needed}  # fmt: skip
    out["headcount"] = [{"title": m.title, "starts_at": m.starts_at.isoformat(),
                         "people": m.forecast.people, "day_total": m.forecast.day_total,
                         "curve": m.forecast.source} for m in found.meals]  # fmt: skip
    return out


@api_bp.get("/arrivals")
@api_permission(PERMISSION)
def arrivals() -> Any:
    """The day's arrivals in buckets (local time), per desk, and the forecasts."""
    try:
        day = _day(request.args.get("day"))
        bucket = _bucket(request.args.get("bucket"), tuple(range(1, 1441)))
    except BadQuery as exc:
        return json_error(400, "bad_request", str(exc))
    found = _arrivals(day, bucket, clock.now())
    return jsonify({
        "day": day.isoformat(), "bucket_minutes": bucket, "checked_in": found.checked_in,
        "expected": found.expected,
        "buckets": [{"start": b.start.isoformat(), "checked_in": b.checked_in}
                    for b in found.buckets],
        "desks": [{"desk": d.desk, "scans": d.scans, "per_hour": round(d.per_hour, 1)}
                  for d in found.desks],
        "tickets": [{"ticket_type": t.ticket_type, "expected": t.expected, "arrived": t.arrived}
                    for t in found.tickets],
        "forecast": forecast_json(found),
    })  # fmt: skip
