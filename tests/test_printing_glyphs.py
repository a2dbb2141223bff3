"""A badge that would print an empty box is held: the desk sees the name and the characters,
and desk staff may print it anyway; the API shows the held state."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.printing.worker import Printers, drain
from tests.conftest import DAY1_MORNING, sign_in
from tests.test_printing import FakePrinter

HTMX = {"HX-Request": "true"}
ODD = "\ue000"  # private use: no installed font has a glyph for it


@pytest.fixture
def venue(db, node):
    """A default printer, and José's first name with a character no font has."""
    with transaction(db):
        print_setup.add_printer(db, "north", "memory://", now=DAY1_MORNING)
        attendees.update(db, node, "a-jose", {"first_name": f"José{ODD}"}, "Ana")
    return db


def test_a_name_no_font_can_draw_is_held_not_printed(venue, node) -> None:
    job = printing.request_print(venue, "a-jose", now=DAY1_MORNING)
    fake = FakePrinter()
    drain(venue, node, Printers(lambda url: fake), lambda: DAY1_MORNING)
    held = printing.get_job(venue, job.job_id)
    assert fake.jobs == []  # nothing reached the printer
    assert (held.status, held.missing, held.error_code) == ("held", ODD, "missing_glyphs")
    assert ODD in held.error and held.final
    assert printing.prints(venue, "a-jose") == 0
    assert not printing.has_badge(venue, "a-jose")  # the next print is not a reprint
    # Print anyway: queued again, and this time it prints, despite the box.
    assert printing.release(venue, job.job_id, "Ana", DAY1_MORNING)
    assert not printing.release(venue, job.job_id, "Ana", DAY1_MORNING)  # once
    drain(venue, node, Printers(lambda url: fake), lambda: DAY1_MORNING)
    done = printing.get_job(venue, job.job_id)
    assert (done.status, done.released_by) == ("printed", "Ana") and len(fake.jobs) == 1


def test_names_every_font_covers_are_not_held(db, node) -> None:
    with transaction(db):
        print_setup.add_printer(db, "north", "memory://", now=DAY1_MORNING)
        attendees.update(db, node, "a-jose", {"first_name": "Ahmad أحمد"}, "Ana")
    job = printing.request_print(db, "a-jose", now=DAY1_MORNING)
    drain(db, node, Printers(lambda url: FakePrinter()), lambda: DAY1_MORNING)
    assert printing.get_job(db, job.job_id).status == "printed"


def test_the_desk_warns_with_the_name_and_characters_and_offers_print_anyway(
    desk, venue, node
) -> None:
    client, csrf = desk
    posted = client.post("/desk/attendees/a-jose/print", data={"csrf_token": csrf}, headers=HTMX)
    job = printing.latest_job(venue, "a-jose")
    assert b"queued" in posted.data
    drain(venue, node, Printers(lambda url: FakePrinter()), lambda: DAY1_MORNING)
    polled = client.get(f"/desk/print-jobs/{job.job_id}", headers=HTMX)
    assert polled.headers["HX-Retarget"] == "closest .print-box"  # the whole print area
    widget = polled.get_data(as_text=True)
    assert "Reprint badge" not in widget  # held is not printed: no reason needed
    assert 'role="alert"' in widget and "Badge held: José\ue000 Ñúñez" in widget
    assert "U+E000" in widget and "Print anyway" in widget
    assert 'hx-trigger="every 1s"' not in widget  # a person decides: no more polling
    page = client.get("/desk/attendees/a-jose").get_data(as_text=True)
    assert "Badge held" in page and f"/desk/print-jobs/{job.job_id}/release" in page
    assert client.post(f"/desk/print-jobs/{job.job_id}/release").status_code == 400  # CSRF
    released = client.post(f"/desk/print-jobs/{job.job_id}/release",
                           data={"csrf_token": csrf}, headers=HTMX)  # fmt: skip
    assert released.status_code == 200 and b"badge: queued" in released.data
    assert printing.get_job(venue, job.job_id).released_by == "Ana"


def test_the_api_shows_the_held_state(client, make_token, venue, node) -> None:
    token = make_token("desk", "North-1 tablet")
    answer = client.post("/api/v1/attendees/a-jose/print", json={}, headers=token)
    job_id = answer.get_json()["job_id"]
    drain(venue, node, Printers(lambda url: FakePrinter()), lambda: DAY1_MORNING)
    body = client.get(f"/api/v1/print-jobs/{job_id}", headers=token).get_json()
    assert body["status"] == "held" and body["missing"] == ODD


def test_print_anyway_needs_the_print_permission(client, venue) -> None:
    job = printing.request_print(venue, "a-jose", now=DAY1_MORNING)
    anonymous = client.post(f"/desk/print-jobs/{job.job_id}/release")
    assert anonymous.status_code in (302, 400, 401, 403)
    assert printing.get_job(venue, job.job_id).released_by == ""


def test_the_held_migration_keeps_every_job(tmp_path) -> None:
    from kiosk.db import connect, migrate, migrations

    db = connect(tmp_path / "old.sqlite3")
    for version, _name, sql in migrations():
        if version < 10:
            db.executescript(f"BEGIN;\n{sql}\nPRAGMA user_version = {version};\nCOMMIT;")
    db.execute(
        "INSERT INTO print_job (job_id, attendee_id, printer, status, error, attempts,"
        " next_attempt_at, reprint, created_at, updated_at)"
        " VALUES ('j1', 'a-1', 'north', 'failed', 'Paper out', 3, 'x', 1, 't0', 't1')"
    )
    migrate(db)
    job = printing.get_job(db, "j1")
    assert (job.status, job.error, job.attempts, job.reprint) == ("failed", "Paper out", 3, True)
    assert (job.missing, job.released_by) == ("", "")
    db.execute("UPDATE print_job SET status = 'held' WHERE job_id = 'j1'")  # now allowed
    db.close()


def test_a_batch_of_sheets_names_the_badges_with_empty_boxes(db_path, venue) -> None:
    from tests.test_cli import kiosk, ok

    result = kiosk(db_path, "print", "batch", "--ticket-type", "Speaker", "--out", "sheets.pdf")
    ok(result)
    assert "Warning: 1 badges show empty boxes" in result.stderr
    assert "José\ue000 Ñúñez: U+E000" in result.stderr


def test_the_printers_screen_lists_held_badges_until_the_name_is_fixed(client, venue, node) -> None:
    """The supervisor sees who is waiting for a name check, and where; a corrected name that
    prints takes the person off the list."""
    job = printing.request_print(venue, "a-jose", now=DAY1_MORNING)
    drain(venue, node, Printers(lambda url: FakePrinter()), lambda: DAY1_MORNING)
    sign_in(client, "Budi")
    page = client.get("/admin/printers").get_data(as_text=True)
    held = page[page.index('id="held-jobs"') : page.index("Failed print jobs")]
    assert f'id="held-{job.job_id}"' in held and "José\ue000 Ñúñez" in held
    assert "U+E000" in held and "/desk/attendees/a-jose" in held
    indonesian = client.get("/admin/printers?lang=id").get_data(as_text=True)
    assert "Badge ditahan untuk pemeriksaan nama" in indonesian
    with transaction(venue):
        attendees.update(venue, node, "a-jose", {"first_name": "José"}, "Budi")
    later = DAY1_MORNING + timedelta(minutes=2)
    printing.request_print(venue, "a-jose", now=later)
    drain(venue, node, Printers(lambda url: FakePrinter()), lambda: later)
    assert f'id="held-{job.job_id}"' not in client.get("/admin/printers").get_data(as_text=True)
