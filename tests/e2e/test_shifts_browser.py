"""The shifts board and the readiness checklist in real Chromium, on a 10-inch tablet and a
phone: staff check-in by badge scan, a no-show in red, a one-step reassignment, big toggles,
the rooms page's panel, Bahasa Indonesia; axe finds nothing on any of them."""

from __future__ import annotations

import sqlite3
import subprocess
from contextlib import closing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import KIOSK, LiveServer, sign_in_desk, sign_in_supervisor
from tests.e2e.test_accessibility import check, small_targets
from tests.e2e.test_signage_browser import SESSION, _running_session

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


def _staff_badge(server: LiveServer) -> tuple[str, str]:
    with closing(sqlite3.connect(server.db_path)) as db:
        row = db.execute("SELECT first_name || ' ' || last_name, code FROM attendee WHERE"
                         " ticket_type = 'Staff' AND status = 'valid' AND block_note = ''"
                         " ORDER BY attendee_id LIMIT 1").fetchone()  # fmt: skip
    return row[0], row[1]


@pytest.fixture(scope="module")
def staffed(live_server: LiveServer, tmp_path_factory: pytest.TempPathFactory) -> LiveServer:
    """Shifts around now, whatever the time of the run, within today at the venue: one begun
    half an hour ago with no one (a no-show), one of a staff badge starting soon."""
    folder = tmp_path_factory.mktemp("shifts")
    _running_session(live_server, folder)
    with closing(sqlite3.connect(live_server.db_path)) as db:
        zone = ZoneInfo(db.execute("SELECT timezone FROM event").fetchone()[0])
    now = datetime.now(zone).replace(second=0, microsecond=0)
    midnight = now.replace(hour=0, minute=0)
    late = midnight + timedelta(hours=23, minutes=59)
    name, code = _staff_badge(live_server)

    def at(minutes: int) -> str:
        return min(max(now + timedelta(minutes=minutes), midnight), late).isoformat()

    csv_file = folder / "shifts.csv"
    csv_file.write_text(
        "shift_id,person,badge_code,role,place,starts_at,ends_at\n"
        f"e2e-missed,Wayan Sudarsa,,usher,kamboja,{at(-30)},{at(90)}\n"
        f"e2e-badge,{name},{code},technician,kamboja,{at(20)},{at(200)}\n",
        encoding="utf-8")  # fmt: skip
    subprocess.run([KIOSK, "--db", str(live_server.db_path), "import", "shifts", str(csv_file)],
                   check=True, capture_output=True)  # fmt: skip
    return live_server


def test_desk_checks_staff_in_by_scanning_on_a_tablet(browser, staffed: LiveServer) -> None:
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    sign_in_desk(page, staffed)
    page.click("nav.topbar-nav >> text=Shifts")
    page.wait_for_selector("#shift-e2e-missed.shift-no_show")
    assert "No-show" in page.inner_text("#shift-e2e-missed")
    check(page, "shifts-board-tablet")
    assert small_targets(page) == []
    name, code = _staff_badge(staffed)
    assert page.evaluate("document.activeElement.id") == "staff-code"  # a wedge scanner types here
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .tone-ok")
    assert f"{name} is checked in." in page.inner_text("#panel")
    page.wait_for_selector("#shift-e2e-badge.shift-on_shift")
    assert page.input_value("#staff-code") == ""  # ready for the next badge
    check(page, "shifts-board-tablet-scanned")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .tone-warn")
    context.close()


def test_supervisor_reassigns_in_one_step_on_a_phone(browser, staffed: LiveServer) -> None:
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    sign_in_supervisor(page, staffed)
    page.goto(staffed.url + "/shifts")
    row = "#shift-e2e-missed"
    page.fill(f"{row} input[name=person]", "Dewi Lestari")
    page.press(f"{row} input[name=person]", "Enter")  # the name field's Enter reassigns
    page.wait_for_selector(".flash-ok")
    assert "Dewi Lestari" in page.inner_text(row)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    check(page, "shifts-board-phone-supervisor")
    assert small_targets(page) == []
    page.click("header button[lang=id]")
    page.wait_for_selector("html[lang=id]")
    assert "Shift staf" in page.inner_text("h1")
    check(page, "shifts-board-phone-id")
    page.click("header button[lang=en]")
    page.wait_for_selector("html[lang=en]")
    page.click("text=Add a shift")
    page.wait_for_selector("form.stack #person")
    check(page, "shifts-add-phone")
    page.fill("#person", "Joko Susilo")
    page.fill("#role", "security")
    page.fill("#place", "Main gate")
    page.fill("#starts", "23:00")
    page.fill("#ends", "23:59")
    page.click("form.stack button[type=submit]")
    page.wait_for_selector(".flash-ok")
    assert "Joko Susilo" in page.inner_text("#board")
    context.close()


@pytest.mark.parametrize("viewport", [TABLET, PHONE], ids=["tablet", "phone"])
def test_usher_ticks_the_checklist(browser, staffed: LiveServer, viewport: dict) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    sign_in_desk(page, staffed)
    page.goto(staffed.url + "/rooms")
    panel = page.inner_text(".readiness-panel")
    assert "Offline-first data sync" in panel  # running now, nothing ticked
    page.click(f".readiness-panel a[href$='/sessions/{SESSION}']")
    page.wait_for_selector(".toggles")
    mic = "button[data-item=mic]"
    page.click(mic)
    page.wait_for_selector(f"{mic}[aria-pressed=true]")
    assert page.evaluate("window.location.pathname").endswith(SESSION)  # swapped in place
    check(page, f"readiness-checklist-{'phone' if viewport == PHONE else 'tablet'}")
    assert small_targets(page) == []
    page.click(mic)
    page.wait_for_selector(f"{mic}[aria-pressed=false]")
    page.goto(staffed.url + "/rooms")
    check(page, f"rooms-not-ready-{'phone' if viewport == PHONE else 'tablet'}")
    page.click("header >> text=Shifts")
    page.click("text=Room readiness")
    page.wait_for_selector(".readiness-list")
    check(page, f"readiness-list-{'phone' if viewport == PHONE else 'tablet'}")
    context.close()
