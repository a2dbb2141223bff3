"""The logistics screens in real Chromium on a real `kiosk serve` of the demo day.

Two staff members on two browsers: one reports an urgent incident in two taps, the other's
page announces it until they acknowledge it. Every screen passes axe, on a 10-inch tablet and
on a phone, in English and Bahasa Indonesia; screenshots land in test-artifacts/screens.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator

import pytest

from tests.e2e.conftest import KIOSK, LiveServer, screenshot, wait_until_up
from tests.e2e.test_accessibility import axe_violations, small_targets
from tests.support.processes import free_port, stop

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
NOON = "2026-12-01T05:10:00Z"  # 12:10 in Jakarta on the demo's first day: lunch is late
PINS = {"Ana": "1111", "Budi": "2222"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    db_path = tmp_path_factory.mktemp("logistics") / "kiosk.sqlite3"
    run = [KIOSK, "--db", str(db_path)]
    subprocess.run([*run, "demo", "--attendees", "200", "--seed", "3", "--starts", "2026-12-01"],
                   check=True, capture_output=True)  # fmt: skip
    port, log_path = free_port(), db_path.with_suffix(".log")
    with log_path.open("wb") as log:
        process = subprocess.Popen([*run, "serve", "--port", str(port)], stdout=log,
                                   stderr=subprocess.STDOUT,
                                   env={**os.environ, "KIOSK_CLOCK_START": NOON})  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process, log_path)
        yield LiveServer(url, db_path, "", process, log_path)
    finally:
        stop(process)


def sign_in(browser, server: LiveServer, name: str, viewport: dict = TABLET):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    page.goto(server.url + "/login")
    page.select_option("#name", name)
    page.fill("#pin", PINS[name])
    page.fill("#desk", "Info desk")
    page.click("form.stack button[type=submit]")
    page.wait_for_url("**/desk")
    return page


def check(page, name: str) -> None:
    """Axe finds nothing, every target is big enough; the screenshot is kept for people."""
    screenshot(page, name)
    assert axe_violations(page, name) == [], name
    assert small_targets(page) == [], name


def test_board_shows_urgent_first_and_the_late_delivery_in_amber(browser, server) -> None:
    page = sign_in(browser, server, "Budi")
    page.click("nav.topbar-nav >> text=Logistics")
    page.wait_for_selector("#board")
    first = page.locator(".incident").first
    assert "sev-urgent" in first.get_attribute("class")
    assert "Lunch for 800 delayed" in first.inner_text()
    lunch = page.locator("tr.delivery", has_text="Lunch for 800")
    assert "state-late" in lunch.get_attribute("class") and "Late" in lunch.inner_text()
    coffee = page.locator("tr.delivery", has_text="Afternoon coffee")
    assert "state-expected" in coffee.get_attribute("class")  # due 15:00: not late at 12:10
    check(page, "logistics-board-tablet")
    page.set_viewport_size(PHONE)
    check(page, "logistics-board-phone")
    page.context.close()


def test_two_taps_report_and_the_other_tablet_announces_it(browser, server) -> None:
    budi = sign_in(browser, server, "Budi")
    ana = sign_in(browser, server, "Ana", PHONE)
    ana.goto(server.url + "/logistics/report")
    check(ana, "logistics-report-phone")
    ana.click("label.tile:has-text('Melati')")
    ana.click("label.tile:has-text('Urgent')")
    ana.fill("#text", "Projector smoking in Melati")
    ana.click("button.tile:has-text('AV')")
    ana.wait_for_selector(".flash-ok")
    assert "Projector smoking in Melati" in ana.inner_text(".flash-ok")
    banner = budi.locator("#alerts .alert-item", has_text="Projector smoking in Melati")
    banner.wait_for(timeout=10_000)  # the page polls every 2 s
    assert ana.locator("#alerts .alert-item").count() == 0  # the reporter knows already
    check(budi, "logistics-alert-desk-tablet")
    banner.locator("button", has_text="Seen it").click()
    banner.wait_for(state="detached")
    budi.reload()
    budi.wait_for_timeout(2500)  # a poll or more: it stays away
    assert budi.locator("#alerts .alert-item").count() == 0
    budi.context.close()
    ana.context.close()


def test_supervisor_assigns_notes_and_resolves(browser, server) -> None:
    page = sign_in(browser, server, "Budi")
    page.goto(server.url + "/logistics")
    page.click(".incident:has-text('Van blocking') a.button")
    page.select_option("#assignee", "Ana")
    page.fill("#note", "Driver asked to move")
    page.click("button:has-text('Save')")
    page.wait_for_selector(".flash-ok")
    assert "Driver asked to move" in page.inner_text(".notes")
    check(page, "logistics-incident-tablet")
    page.click("button[value=resolved]")
    page.wait_for_selector("text=Reopen")
    page.goto(server.url + "/logistics")
    assert page.locator(".incident", has_text="Van blocking").count() == 0
    page.context.close()


def test_vendors_and_day_log_in_indonesian(browser, server) -> None:
    page = sign_in(browser, server, "Budi")
    page.goto(server.url + "/logistics/vendors")
    check(page, "logistics-vendors-tablet")
    page.click("button[lang=id]")
    page.wait_for_selector("html[lang=id]")
    page.goto(server.url + "/logistics/day/2026-12-01")
    assert page.locator("tr", has_text="2 pallets of tote bags").count() == 1
    check(page, "logistics-daylog-id-tablet")
    page.set_viewport_size(PHONE)
    check(page, "logistics-daylog-id-phone")
    page.context.close()


def test_empty_day_and_lost_link(browser, server) -> None:
    """A day without logistics says so; a board that cannot reach the server says so too."""
    page = sign_in(browser, server, "Ana", PHONE)
    page.goto(server.url + "/logistics/vendors?day=2026-12-03")
    assert page.locator(".empty").first.is_visible()
    check(page, "logistics-vendors-empty-phone")
    page.goto(server.url + "/logistics")
    page.context.set_offline(True)
    page.locator(".board-lost").wait_for(state="visible", timeout=15_000)
    screenshot(page, "logistics-board-lost-phone")
    page.context.set_offline(False)
    page.context.close()
