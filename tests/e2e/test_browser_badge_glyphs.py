"""The held-badge warning in real Chromium: a walk-in whose name has a character no installed
font has is checked in at an auto-print desk; the badge is held with the name and the
character on the desk's screen and on the supervisor's Printers screen, and printed once the
desk chooses Print anyway."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import LiveServer, screenshot, sign_in_desk, sign_in_supervisor

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
ODD = "\ue000"  # private use: no font has it


def badge_folder(server: LiveServer) -> Path:
    """The folder the demo's auto-print printer ("Badge files") writes into."""
    db = sqlite3.connect(server.db_path)
    [url] = db.execute("SELECT url FROM printer WHERE name = 'Badge files'").fetchone()
    db.close()
    return Path(urlsplit(url).path)


def test_the_desk_warns_about_a_badge_with_a_missing_glyph(browser, live_server) -> None:
    live, spool = live_server, badge_folder(live_server)
    before = set(spool.glob("*.pdf")) if spool.exists() else set()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sign_in_desk(page, live)
    page.click("text=Walk-in")
    page.wait_for_selector("#f-first_name")
    page.fill("#f-first_name", f"Ahmad أحمد{ODD}")
    page.fill("#f-last_name", "Rahman")
    page.click("#panel button.primary")
    page.wait_for_selector("#panel .result.tone-ok")  # checked in; Desk North-1 auto-prints
    warning = page.wait_for_selector("#panel .print-held[role=alert]", timeout=15000)
    text = warning.inner_text()
    assert f"Ahmad أحمد{ODD} Rahman" in text and "U+E000" in text
    assert (set(spool.glob("*.pdf")) if spool.exists() else set()) == before  # nothing printed
    screenshot(page, "desk-badge-held")
    _supervisor_sees_it_held(browser, live, f"Ahmad أحمد{ODD} Rahman")
    page.click("#panel .print-held button")  # Print anyway
    page.wait_for_selector("#panel .print-job.print-printed", timeout=15000)
    assert page.locator("#panel .print-held").count() == 0
    assert len(set(spool.glob("*.pdf")) - before) == 1
    context.close()
    assert errors == [], errors


def _supervisor_sees_it_held(browser, live: LiveServer, name: str) -> None:
    """The Printers screen lists the held badge, with the missing character and the desk."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in_supervisor(page, live)
    page.goto(live.url + "/admin/printers")
    held = page.locator("#held-jobs li")
    assert held.count() == 1
    text = held.inner_text()
    assert name in text and "U+E000" in text and "Desk North-1" in text
    screenshot(page, "printers-badge-held")
    context.close()
