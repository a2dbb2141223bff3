"""The consent question on the self-service screen: the attendee's own answer, nobody else's."""

from __future__ import annotations

from kiosk.db import open_db
from tests.test_selfservice import _mark_printed, post, scan


def _answer(db_path, attendee_id: str) -> str:
    db = open_db(db_path)
    try:
        return db.execute("SELECT share_email FROM attendee WHERE attendee_id = ?",
                          (attendee_id,)).fetchone()[0]  # fmt: skip
    finally:
        db.close()


def _done(screen, db_path, code: str) -> str:
    scan(screen, code)
    post(screen, "/self/print")
    _mark_printed(db_path)
    return screen[0].get("/self").get_data(as_text=True)


def test_an_attendee_answers_consent_after_checking_in(screen, printer, db_path) -> None:
    page = _done(screen, db_path, "KN-JOSE01")
    assert "May they also get your e-mail address?" in page
    assert "jose.nunez" not in page  # the screen asks, it never shows the address
    page = post(screen, "/self/consent", answer="yes")
    assert _answer(db_path, "a-jose") == "yes" and "sponsors may get your e-mail" in page
    page = post(screen, "/self/consent", answer="no")
    assert _answer(db_path, "a-jose") == "no"
    post(screen, "/self/reset")
    post(screen, "/self/consent", answer="yes")  # no visit: nobody's answer changes
    assert _answer(db_path, "a-jose") == "no"


def test_consent_is_asked_only_at_the_end_of_ones_own_visit(screen, printer, db_path) -> None:
    scan(screen, "KN-OBRI01")  # the welcome step: not checked in and printed yet
    post(screen, "/self/consent", answer="yes")
    assert _answer(db_path, "a-obrien") == ""
    post(screen, "/self/consent", answer="maybe")
    assert _answer(db_path, "a-obrien") == ""
