"""Self-service in real Chromium: an attendee checks in alone, in English or Bahasa Indonesia.

The screens run against `kiosk serve` on a demo database with a file printer, so a badge is
really rendered and "printed" by the server's print worker. A second server has a two-second
idle timeout for the idle-reset test (the timeout is a setting: no test waits 30 s).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk import auth
from kiosk.db import open_db, transaction
from kiosk.desk.event import load as load_event
from kiosk.desk.event import parse_valid_days
from kiosk.replication.node import load_node
from tests.e2e.conftest import KIOSK, LiveServer, free_port, screenshot, wait_until_up
from tests.support.processes import stop

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
TABLET = {"width": 1280, "height": 800}


def start_server(folder: Path, **settings: str) -> tuple[LiveServer, subprocess.Popen]:
    """`kiosk demo` with a default file printer, served with extra KIOSK_* settings."""
    db_path = folder / "kiosk.sqlite3"
    run = [KIOSK, "--db", str(db_path)]
    subprocess.run([*run, "demo", "--attendees", "300", "--seed", "11"], check=True,
                   capture_output=True)  # fmt: skip
    subprocess.run([*run, "printers", "add", "lobby", f"file://{folder}/printed", "--default"],
                   check=True, capture_output=True)  # fmt: skip
    env = {**os.environ, **{f"KIOSK_{k}": v for k, v in settings.items()}}
    port, log_path = free_port(), folder / "serve.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen([*run, "serve", "--port", str(port)], stdout=log,
                                   stderr=subprocess.STDOUT, env=env)  # fmt: skip
    server = LiveServer(f"http://127.0.0.1:{port}", db_path, "", process, log_path)
    wait_until_up(server.url, process, log_path)
    return server, process


@pytest.fixture(scope="module")
def self_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server, process = start_server(tmp_path_factory.mktemp("self"))
    try:
        yield server
    finally:
        stop(process)


@pytest.fixture(scope="module")
def idle_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server, process = start_server(tmp_path_factory.mktemp("idle"), SELFSERVICE_IDLE_SECONDS="2")
    try:
        yield server
    finally:
        stop(process)


_screens = iter(range(1, 1000))


def bind(browser, server: LiveServer):
    """A new screen (its own token, so its own guessing limit) showing the welcome page."""
    db = open_db(server.db_path)
    token = auth.create_token(db, "selfservice", f"Lobby screen {next(_screens)}")
    db.close()
    context = browser.new_context(viewport=TABLET, locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.goto(f"{server.url}/self?token={token}")
    assert page.url.endswith("/self")  # the token left the address bar
    page.wait_for_selector("#ss-code")
    return context, page, errors


@pytest.fixture
def screen(browser, self_server: LiveServer):
    context, page, errors = bind(browser, self_server)
    yield page
    context.close()
    assert errors == [], errors  # no script errors, no CSP violations, no missing files


def people(server: LiveServer, where: str, count: int = 1) -> list[sqlite3.Row]:
    """Demo attendees matching `where` that no test has used yet."""
    db = sqlite3.connect(server.db_path)
    db.row_factory = sqlite3.Row
    rows = db.execute(
        "SELECT * FROM attendee a WHERE " + where + " AND NOT EXISTS (SELECT 1 FROM scan s"  # noqa: S608
        " WHERE s.attendee_id = a.attendee_id) AND NOT EXISTS (SELECT 1 FROM checkin c"
        " WHERE c.attendee_id = a.attendee_id) ORDER BY random() LIMIT ?",
        (count,),
    ).fetchall()
    db.close()
    assert len(rows) == count, where
    return rows


FRESH = ("a.status = 'valid' AND a.block_note = '' AND a.code != ''"
         " AND a.ticket_type NOT LIKE 'Day%' AND a.first_name != ''")  # fmt: skip


def scan(page, code: str) -> None:
    """A keyboard-wedge scanner: the QR text, a key every few ms, then Enter, into whatever
    has focus."""
    page.wait_for_selector("body.step-welcome #ss-code")
    page.keyboard.type(code)
    page.keyboard.press("Enter")


def test_a_code_typed_by_hand_asks_for_the_last_name(screen, self_server) -> None:
    """A code seen over a shoulder, typed at a person's pace, shows nobody by itself."""
    person = people(self_server, FRESH + " AND last_name != ''")[0]
    screen.wait_for_selector("body.step-welcome #ss-code")
    screen.keyboard.type(person["code"], delay=180)
    screen.keyboard.press("Enter")
    screen.wait_for_selector("body.step-type")
    assert "Please type your last name too." in screen.inner_text("main")
    assert person["first_name"] not in screen.content()
    assert screen.input_value("#ss-key") == person["code"]
    assert screen.evaluate("document.activeElement.id") == "ss-name"
    screenshot(screen, "self-typed-code-asks-last-name")
    screen.keyboard.type(person["last_name"])
    screen.click("text=Find my ticket")
    screen.wait_for_selector("body.step-hello")
    assert f"Welcome, {person['first_name']}!" in screen.inner_text("main")


def poll(page, expression: str, tries: int = 100) -> bool:
    """A bounded wait for a condition (wait_for_function would need eval, which CSP forbids)."""
    for _ in range(tries):
        if page.evaluate(expression):
            return True
        page.wait_for_timeout(100)
    return False


def wait_printed(page) -> None:
    """The printing screen follows the job until the worker has printed it (bounded)."""
    page.wait_for_selector("body.step-done, body.step-refused", timeout=30_000)
    assert page.locator("body.step-done").count() == 1, page.inner_text("main")


def test_happy_path_scan_preview_print_sessions(screen, self_server: LiveServer) -> None:
    person = people(self_server, FRESH)[0]
    screenshot(screen, "self-welcome")
    assert screen.evaluate("document.activeElement.id") == "ss-code"
    scan(screen, person["code"])
    screen.wait_for_selector("body.step-hello")
    text = screen.inner_text("main")
    assert f"Welcome, {person['first_name']}!" in text
    assert person["email"] not in screen.content()
    assert poll(screen, "document.querySelector('img.ss-badge').naturalWidth > 0")
    screenshot(screen, "self-hello-badge-preview")
    screen.click("text=Print my badge")
    wait_printed(screen)
    assert f"You are all set, {person['first_name']}!" in screen.inner_text("main")
    screenshot(screen, "self-done")
    screen.click("text=Finish")
    screen.wait_for_selector("#ss-code")
    assert person["first_name"] not in screen.content()


def test_done_lists_todays_sessions_with_moves(screen, self_server: LiveServer) -> None:
    db = sqlite3.connect(self_server.db_path)
    today = load_event(open_db(self_server.db_path)).local_date(datetime.now(UTC)).isoformat()
    sql = (
        "SELECT g.attendee_id, s.session_id FROM registration g JOIN session s USING (session_id)"
        " JOIN attendee a ON a.attendee_id = g.attendee_id WHERE s.day = ? AND g.status ="
        " 'registered' AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.attendee_id ="
        " a.attendee_id) AND "
    )
    row = db.execute(sql + FRESH + " LIMIT 1", (today,)).fetchone()
    if row is None:
        pytest.skip("the demo has no session today for a fresh attendee")
    other = db.execute("SELECT room_id, name FROM room WHERE room_id != (SELECT room_id FROM"
                       " session WHERE session_id = ?) LIMIT 1", (row[1],)).fetchone()  # fmt: skip
    db.close()
    _move(self_server, row[1], other[0])
    code = sqlite3.connect(self_server.db_path).execute(
        "SELECT code FROM attendee WHERE attendee_id = ?", (row[0],)).fetchone()[0]  # fmt: skip
    scan(screen, code)
    screen.click("text=Print my badge")
    wait_printed(screen)
    sessions = screen.inner_text(".ss-sessions")
    assert other[1] in sessions and "moved from" in sessions
    screenshot(screen, "self-done-sessions")


def _move(server: LiveServer, session_id: str, room_id: str) -> None:
    """A supervisor's room change, through the CLI-free path: the API with a supervisor token."""
    import json
    import urllib.request

    db = open_db(server.db_path)
    token = auth.create_token(db, "supervisor", "e2e supervisor")
    db.close()
    request = urllib.request.Request(  # noqa: S310
        f"{server.url}/api/v1/sessions/{session_id}/room", method="POST",
        data=json.dumps({"room_id": room_id, "reason": "projector broken"}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )  # fmt: skip
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass


def _block(server: LiveServer, attendee_id: str) -> str:
    """Blocks an attendee as a supervisor would (an op), and returns their code."""
    db = open_db(server.db_path)
    with transaction(db):
        fields = {"block_note": "See the organiser before entry"}
        load_node(db).record(db, "attendee_upsert", attendee_id, {"fields": fields})
    code = db.execute("SELECT code FROM attendee WHERE attendee_id = ?", (attendee_id,))
    code = code.fetchone()[0]
    db.close()
    return code


def _not_valid_today(server: LiveServer) -> str:
    """A ticket type that does not admit today (day passes for other days)."""
    db = open_db(server.db_path)
    event = load_event(db)
    day = event.day_number(event.local_date(datetime.now(UTC)))
    types = db.execute("SELECT name, valid_days FROM ticket_type").fetchall()
    db.close()
    wrong = [n for n, v in types if (d := parse_valid_days(v)) is not None and day not in d]
    return wrong[0]


@pytest.mark.parametrize(
    ("kind", "where", "words"),
    [
        ("cancelled", "status = 'cancelled' AND code != ''", "no longer valid"),
        ("blocked", "blocked", "check something"),
        ("unknown", None, "could not find this ticket"),
        ("not-valid-today", "ticket", "not valid today"),
    ],
)
def test_each_refusal_is_kind_and_says_where_to_go(screen, self_server, kind, where, words) -> None:
    if where is None:
        code = "KN-NOT-A-TICKET"
    elif where == "blocked":
        code = _block(self_server, people(self_server, FRESH)[0]["attendee_id"])
    elif where == "ticket":
        ticket = _not_valid_today(self_server).replace("'", "''")
        where = f"a.status = 'valid' AND a.block_note = '' AND a.ticket_type = '{ticket}'"
        code = people(self_server, where + " AND a.code != ''")[0]["code"]
    else:
        code = people(self_server, where)[0]["code"]
    scan(screen, code)
    screen.wait_for_selector("body.step-refused")
    text = screen.inner_text("main")
    assert words in text and "registration desk" in text
    assert screen.locator(".ss-result .icon").count() == 1  # an icon and words, not colour alone
    screenshot(screen, f"self-refused-{kind}")
    screen.click("text=OK, start again")
    screen.wait_for_selector("#ss-code")


def test_already_collected_reprints_once_then_the_desk(screen, self_server) -> None:
    person = people(self_server, FRESH)[0]
    scan(screen, person["code"])
    screen.click("text=Print my badge")
    wait_printed(screen)
    screen.click("text=Finish")
    scan(screen, person["code"])
    screen.wait_for_selector("body.step-collected")
    screenshot(screen, "self-already-collected")
    screen.click("text=Print my badge again")
    wait_printed(screen)
    screen.click("text=Finish")
    scan(screen, person["code"])
    screen.wait_for_selector("body.step-refused")
    assert "see the registration desk" in screen.inner_text("main")
    screenshot(screen, "self-refused-collected")


def test_typed_code_and_email_with_last_name(screen, self_server) -> None:
    first, second = people(self_server, FRESH + " AND last_name != '' AND email != ''", 2)
    screen.click("text=Type your confirmation code")
    screen.wait_for_selector("#ss-key")
    screen.fill("#ss-key", first["code"].lower())
    screen.fill("#ss-name", first["last_name"].upper())
    screenshot(screen, "self-type-code")
    screen.click("text=Find my ticket")
    screen.wait_for_selector("body.step-hello")
    assert first["first_name"] in screen.inner_text("main")
    screen.click("text=Start again")
    screen.click("text=Use your e-mail address")
    screen.fill("#ss-key", second["email"])
    screen.fill("#ss-name", second["last_name"])
    screenshot(screen, "self-type-email")
    screen.click("text=Find my ticket")
    screen.wait_for_selector("body.step-hello")
    assert second["first_name"] in screen.inner_text("main")


def test_guessing_is_rate_limited(screen) -> None:
    for n in range(5):
        screen.click("text=Type your confirmation code")
        screen.fill("#ss-key", f"GUESS-{n}")
        screen.fill("#ss-name", "Smith")
        screen.click("text=Find my ticket")
        screen.wait_for_selector("body.step-refused")
        screen.click("text=OK, start again")
    screen.wait_for_selector("body.step-welcome")
    assert "Too many tries" in screen.inner_text("main")
    assert screen.locator("#ss-code").count() == 0  # no scanning until the cool-down ends
    screenshot(screen, "self-rate-limited")


def test_language_switch_and_large_text(screen, self_server) -> None:
    screen.click("button[lang=id]")
    screen.wait_for_selector("html[lang=id]")
    screen.wait_for_load_state("load")  # the new page's stylesheet too, not only its markup
    assert "Pindai kode QR" in screen.inner_text("main")
    screenshot(screen, "self-welcome-id")
    size = screen.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    screen.click(".ss-large")
    screen.wait_for_selector("body.large-text")
    screen.wait_for_load_state("load")  # on a busy machine the class can come before the CSS
    assert screen.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") > size * 1.25
    screenshot(screen, "self-welcome-id-large")
    person = people(self_server, FRESH)[0]
    scan(screen, person["code"])
    screen.wait_for_selector("body.step-hello")
    assert f"Selamat datang, {person['first_name']}!" in screen.inner_text("main")
    screenshot(screen, "self-hello-id-large")
    screen.click("text=Cetak badge saya")
    wait_printed(screen)
    assert "Semua beres" in screen.inner_text("main")
    screen.click("text=Selesai")
    screen.wait_for_selector("body.step-welcome:not(.large-text)")  # large text was theirs
    screen.click("button[lang=en]")
    screen.wait_for_selector("html[lang=en]")


def test_idle_reset_forgets_the_attendee(browser, idle_server: LiveServer) -> None:
    context, page, errors = bind(browser, idle_server)
    person = people(idle_server, FRESH)[0]
    scan(page, person["code"])
    page.wait_for_selector("body.step-hello")
    page.wait_for_selector("#ss-idle-warning:visible", timeout=15_000)  # "Are you still there?"
    screenshot(page, "self-idle-warning")
    page.wait_for_selector("body.step-welcome", timeout=15_000)  # nobody touched it
    assert person["first_name"] not in page.content()
    page.go_back()  # the browser's history holds only the neutral URL
    page.wait_for_load_state()
    assert page.url.endswith("/self") or "token=" in page.url
    assert person["first_name"] not in page.content()
    assert re.search(r"step-(welcome|unbound)", page.content())
    context.close()
    assert errors == [], errors


def test_bound_screen_cannot_open_staff_pages(screen, self_server) -> None:
    for path in ("/desk", "/login", "/rooms"):
        screen.goto(self_server.url + path)
        assert screen.url.endswith("/self")
        assert screen.locator("#ss-code").count() == 1


def test_everything_works_without_javascript(browser, self_server) -> None:
    """Plain form posts and 303s: a scan, the print button, and a page that refreshes itself."""
    db = open_db(self_server.db_path)
    token = auth.create_token(db, "selfservice", "No-script screen")
    db.close()
    context = browser.new_context(viewport=TABLET, java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{self_server.url}/self?token={token}")
    person = people(self_server, FRESH + " AND last_name != ''")[0]
    page.fill("#ss-code", person["code"])
    page.press("#ss-code", "Enter")  # a one-field form submits without a button
    # Without the page's script nothing shows it was a scanner: the last name is asked for.
    page.wait_for_selector("body.step-type")
    assert page.input_value("#ss-key") == person["code"]
    page.fill("#ss-name", person["last_name"])
    page.click("text=Find my ticket")
    page.wait_for_selector("body.step-hello")
    page.click("text=Print my badge")
    wait_printed(page)  # the printing page reloads itself until the job is done
    page.click("text=Finish")
    page.wait_for_selector("body.step-welcome")
    assert person["first_name"] not in page.content()
    context.close()
