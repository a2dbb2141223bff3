"""Badges over HTTP: API routes and roles, the desk's print button and widget, the admin screen."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from PIL import Image

from kiosk.db import transaction
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.printing.worker import Printers, drain, work_once
from tests.conftest import DAY1_MORNING, csrf_from, sign_in
from tests.test_printing import OFF, REFUSED, FakePrinter

HTMX = {"HX-Request": "true"}


@pytest.fixture
def venue(db):
    with transaction(db):
        print_setup.add_printer(db, "north", "memory://", now=DAY1_MORNING)
    return db


# -- API ---------------------------------------------------------------------------------------


def test_badge_png_and_pdf(client, make_token) -> None:
    desk = make_token("desk")
    png = client.get("/api/v1/attendees/a-jose/badge.png", headers=desk)
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert Image.open(io.BytesIO(png.data)).size == (1200, 900)  # 4×3 in at 300 dpi
    a6 = client.get("/api/v1/attendees/a-jose/badge.png?template=a6", headers=desk)
    assert Image.open(io.BytesIO(a6.data)).size == (1240, 1748)
    pdf = client.get("/api/v1/attendees/a-jose/badge.pdf", headers=desk)
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")


def test_badge_errors_are_json(client, make_token) -> None:
    desk = make_token("desk")
    bad = client.get("/api/v1/attendees/a-jose/badge.png?template=poster", headers=desk)
    assert bad.status_code == 400 and bad.get_json()["error"] == "bad_template"
    assert client.get("/api/v1/attendees/nobody/badge.png", headers=desk).status_code == 404
    assert client.get("/api/v1/attendees/a-jose/badge.gif", headers=desk).status_code == 404
    assert client.get("/api/v1/attendees/a-jose/badge.png").status_code == 401
    for role in ("signage", "sync"):
        forbidden = client.get("/api/v1/attendees/a-jose/badge.png", headers=make_token(role))
        assert forbidden.status_code == 403 and forbidden.get_json()["error"] == "forbidden"


def test_print_returns_202_and_the_job_can_be_followed(
    client, make_token, venue, node, clock
) -> None:
    desk = make_token("desk", "North-1 tablet")
    answer = client.post("/api/v1/attendees/a-jose/print", json={}, headers=desk)
    assert answer.status_code == 202
    body = answer.get_json()
    assert body["status"] == "queued" and answer.headers["Location"].endswith(body["job_id"])
    drain(venue, node, Printers(lambda url: FakePrinter()), clock.now)  # the app's clock
    job = client.get(f"/api/v1/print-jobs/{body['job_id']}", headers=desk).get_json()
    assert job == {**job, "attendee_id": "a-jose", "printer": "north", "status": "printed",
                   "error": None}  # fmt: skip
    again = client.post("/api/v1/attendees/a-jose/print", json={"reason": "lost"}, headers=desk)
    assert printing.get_job(venue, again.get_json()["job_id"]).reprint


def test_a_job_being_retried_shows_its_last_error_and_tries_everywhere(
    app, desk, make_token, venue, node, clock
) -> None:
    """A dead printer: the API, the desk widget and the printers screen say why, while retrying."""
    token = make_token("desk", "North-1 tablet")
    job_id = app.test_client().post("/api/v1/attendees/a-jose/print", json={},
                                    headers=token).get_json()["job_id"]  # fmt: skip
    dead = Printers(lambda url: FakePrinter(OFF, OFF))
    for _ in range(2):
        work_once(venue, node, "north", dead, clock.now)
        clock.advance(timedelta(seconds=printing.BACKOFF_CAP))
    job = app.test_client().get(f"/api/v1/print-jobs/{job_id}", headers=token).get_json()
    assert job == {**job, "status": "queued", "error": OFF.message, "error_code": "unreachable",
                   "attempts": 2, "max_attempts": printing.MAX_ATTEMPTS}  # fmt: skip
    assert job["next_attempt_at"] > job["created_at"]
    staff, _csrf = desk
    widget = staff.get(f"/desk/print-jobs/{job_id}", headers=HTMX).data.decode()
    assert "Connection refused" in widget and "Tried 2 of 8 times" in widget
    assert 'hx-trigger="every 1s"' in widget  # still following the job
    supervisor = app.test_client()
    sign_in(supervisor, "Budi")
    health = supervisor.get("/admin/printers?part=health", headers=HTMX).data.decode()
    assert "Being retried" in health and "José Ñúñez" in health
    assert "Connection refused" in health and "Tried 2 of 8 times" in health
    work_once(venue, node, "north", Printers(lambda url: FakePrinter()), clock.now)
    printed = app.test_client().get(f"/api/v1/print-jobs/{job_id}", headers=token).get_json()
    assert printed == {**printed, "status": "printed", "error": None, "next_attempt_at": None}
    health = supervisor.get("/admin/printers?part=health", headers=HTMX).data.decode()
    assert "Being retried" not in health


def test_print_refusals(client, make_token, venue) -> None:
    desk = make_token("desk")
    post = client.post
    assert post("/api/v1/attendees/nobody/print", json={}, headers=desk).status_code == 404
    unknown = post("/api/v1/attendees/a-jose/print", json={"printer": "attic"}, headers=desk)
    assert unknown.status_code == 409 and unknown.get_json()["error"] == "no_printer"
    bad = post("/api/v1/attendees/a-jose/print", json={"reason": 5}, headers=desk)
    assert bad.status_code == 400
    assert post("/api/v1/attendees/a-jose/print", headers=make_token("signage")).status_code == 403
    assert client.get("/api/v1/print-jobs/nope", headers=desk).status_code == 404


def test_selfservice_gets_only_the_badge_it_just_scanned(client, make_token, venue) -> None:
    kiosk = make_token("selfservice", "Lobby kiosk")
    badge = "/api/v1/attendees/a-jose/badge.png"
    assert client.get(badge, headers=kiosk).status_code == 403  # not scanned here yet
    scanned = client.post("/api/v1/scan", json={"code": "KN-JOSE01"}, headers=kiosk)
    assert scanned.get_json()["result"] == "checked_in"
    assert client.get(badge, headers=kiosk).status_code == 200
    other = client.get("/api/v1/attendees/a-obrien/badge.png", headers=kiosk)
    assert other.status_code == 403
    # another self-service device did not scan José
    assert client.get(badge, headers=make_token("selfservice", "Hall kiosk")).status_code == 403
    printed = client.post("/api/v1/attendees/a-jose/print", json={}, headers=kiosk)
    assert printed.status_code == 202
    job_id = printed.get_json()["job_id"]
    assert client.get(f"/api/v1/print-jobs/{job_id}", headers=kiosk).status_code == 200
    twice = client.post("/api/v1/attendees/a-jose/print", json={}, headers=kiosk)
    assert twice.status_code == 409 and twice.get_json()["error"] == "already_printed"
    hall = make_token("selfservice", "Hall kiosk")
    assert client.get(f"/api/v1/print-jobs/{job_id}", headers=hall).status_code == 404


def test_scan_answer_names_the_auto_print_job(client, make_token, venue) -> None:
    with transaction(venue):
        print_setup.set_desk(venue, "North-1", None, auto_print=True)
    body = client.post("/api/v1/scan", json={"code": "KN-JOSE01", "desk": "North-1"},
                       headers=make_token("desk")).get_json()  # fmt: skip
    assert printing.get_job(venue, body["print_job_id"]).attendee_id == "a-jose"


# -- the desk ----------------------------------------------------------------------------------


def test_desk_print_button_widget_and_reprint_reason(desk, venue, node, clock) -> None:
    client, csrf = desk
    page = client.get("/desk/attendees/a-jose")
    assert b"Print badge" in page.data and b"/desk/attendees/a-jose/badge.png" in page.data
    preview = client.get("/desk/attendees/a-jose/badge.png")
    assert preview.status_code == 200 and preview.data.startswith(b"\x89PNG")
    posted = client.post("/desk/attendees/a-jose/print", data={"csrf_token": csrf}, headers=HTMX)
    assert b'hx-trigger="every 1s"' in posted.data and b"queued" in posted.data
    job = printing.latest_job(venue, "a-jose")
    assert job.desk == "Desk North-1" and job.staff == "Ana"
    drain(venue, node, Printers(lambda url: FakePrinter()), clock.now)
    widget = client.get(f"/desk/print-jobs/{job.job_id}", headers=HTMX)
    assert b"printed" in widget.data and b"hx-trigger" not in widget.data  # final: stops polling
    no_reason = client.post("/desk/attendees/a-jose/print", data={"csrf_token": csrf})
    assert no_reason.status_code == 303
    assert b"Choose why" in client.get(no_reason.headers["Location"]).data
    assert printing.latest_job(venue, "a-jose").job_id == job.job_id  # nothing queued
    client.post("/desk/attendees/a-jose/print", data={"csrf_token": csrf, "reason": "lost"})
    assert printing.latest_job(venue, "a-jose").reprint


def test_scan_result_panel_shows_the_auto_print_status(desk, venue) -> None:
    client, csrf = desk
    with transaction(venue):
        print_setup.set_desk(venue, "Desk North-1", None, auto_print=True)
    answer = client.post("/desk/scan", data={"q": "KN-JOSE01", "csrf_token": csrf}, headers=HTMX)
    assert b"badge: queued" in answer.data and b"/desk/print-jobs/" in answer.data


def test_desk_print_needs_csrf_and_a_signed_in_person(client, desk, venue) -> None:
    staff, _csrf = desk
    assert staff.post("/desk/attendees/a-jose/print").status_code == 400
    anonymous = client.application.test_client()
    assert anonymous.post("/desk/attendees/a-jose/print").status_code in (302, 400)


# -- the admin screen --------------------------------------------------------------------------


def test_admin_is_for_supervisors(desk) -> None:
    client, _ = desk
    assert client.get("/admin/printers").status_code == 403


def test_admin_adds_printers_sets_desks_and_handles_failed_jobs(client, db, node) -> None:
    sign_in(client, "Budi")
    page = client.get("/admin/printers")
    assert page.status_code == 200 and b"No printer is set up yet" in page.data
    form = {"csrf_token": csrf_from(page.data), "name": "North", "url": "memory://"}
    assert client.post("/admin/printers", data={**form, "csrf_token": ""}).status_code == 400
    assert client.post("/admin/printers", data=form).headers["Location"].endswith("/admin/printers")
    bad = client.post("/admin/printers", data={**form, "name": "Bad", "url": "foo://x"})
    assert b"Unknown printer address" in client.get(bad.headers["Location"]).data
    desk_form = {"csrf_token": form["csrf_token"], "desk": "North-1", "printer": "North",
                 "auto_print": "1"}  # fmt: skip
    client.post("/admin/desks", data=desk_form)
    assert print_setup.desk_setting(db, "North-1").auto_print
    job = printing.request_print(db, "a-jose")
    drain(db, node, Printers(lambda url: FakePrinter(REFUSED)))
    health = client.get("/admin/printers?part=health", headers=HTMX)
    assert b"failing" in health.data and b"refuses PDF" in health.data
    assert b"Try again" in client.get("/admin/printers").data
    retried = client.post(f"/admin/print-jobs/{job.job_id}/retry", data=form, headers=HTMX)
    assert retried.status_code == 200 and printing.get_job(db, job.job_id).status == "queued"
    client.post(f"/admin/print-jobs/{job.job_id}/cancel", data=form)
    assert printing.get_job(db, job.job_id).cancelled
