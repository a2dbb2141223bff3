"""The arrivals dashboard in real Chromium on `kiosk serve` with the demo event at 08:10 on day 1:
it updates live after a check-in without a reload, passes axe on a tablet and a phone, says
when it cannot reach the server, and the post-event report reads the same figures."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, demo_server, screenshot, sign_in_supervisor
from tests.e2e.test_accessibility import axe_violations, small_targets
from tests.e2e.test_browser_desk import fresh_codes
from tests.support.processes import stop

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
TABLET = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The demo's first day (today) at 08:10 in Jakarta: the morning rush is on."""
    today = datetime.now(ZoneInfo("Asia/Jakarta")).date()  # the demo's first day, at the venue
    morning = f"{today.isoformat()}T08:10:00+07:00"
    yield from demo_server(tmp_path_factory, {"KIOSK_CLOCK_START": morning})


@pytest.fixture
def page(browser, server: LiveServer):
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sign_in_supervisor(page, server, desk="Supervisor")
    yield page
    context.close()
    if server.process.poll() is not None:  # the server was stopped: failed polls are expected
        errors = [e for e in errors if not e.startswith(("htmx:", "Failed to load resource"))]
    assert errors == [], errors


def _scan(server: LiveServer, code: str) -> dict:
    body = json.dumps({"code": code, "desk": "Desk South-1"}).encode()
    headers = {"Authorization": f"Bearer {server.token}", "Content-Type": "application/json"}
    request = urllib.request.Request(server.url + "/api/v1/scan", data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 - 127.0.0.1
        return json.load(answer)


def test_the_dashboard_updates_live_after_a_check_in(page, server: LiveServer) -> None:
    page.click("nav.topbar-nav >> text=Dashboard")
    page.wait_for_url("**/dashboard")
    before = int(page.inner_text("#dash-arrived"))
    assert before > 20  # the demo's morning so far (300 attendees)
    assert page.locator("svg.arrival-curve[role=img] title").count() == 1
    assert page.locator("#h-queue").count() == 1
    assert page.locator(".dash-headcount").count() == 2  # the opening ceremony, then lunch
    screenshot(page, "dashboard-tablet")
    page.evaluate("window.kioskMarker = 'same page'")  # gone if the page reloads
    assert _scan(server, fresh_codes(server.db_path, 1)[0])["result"] == "checked_in"
    expect(page.locator("#dash-arrived")).to_have_text(str(before + 1), timeout=15000)
    assert page.evaluate("window.kioskMarker") == "same page"
    assert axe_violations(page, "dashboard-tablet") == []
    assert small_targets(page) == []


def test_phone_width_and_bahasa_indonesia(page, server: LiveServer) -> None:
    page.set_viewport_size(PHONE)
    page.goto(server.url + "/dashboard?lang=id")
    assert "Dasbor kedatangan" in page.inner_text("h1")
    screenshot(page, "dashboard-phone-id")
    assert axe_violations(page, "dashboard-phone-id") == []
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert not overflow  # wide tables scroll inside their own box


def test_the_report_page_and_its_pdf(page, server: LiveServer) -> None:
    page.goto(server.url + "/reports/event")
    assert "Post-event report" in page.inner_text("h1")
    assert "Incidents and deliveries" in page.inner_text("main")
    assert "Arrived late:" in page.inner_text("main")  # the demo's caterer came late
    screenshot(page, "report-event")
    assert axe_violations(page, "report-event") == []
    with page.expect_download() as download:
        page.click("text=Download as PDF")
    assert download.value.suggested_filename == "post-event-report.pdf"


def test_it_says_when_the_server_is_gone(page, server: LiveServer) -> None:
    page.goto(server.url + "/dashboard")
    assert page.is_hidden("#dash-offline")
    stop(server.process)  # the last test of the module: the tablet loses its server
    page.wait_for_selector("#dash-offline", state="visible", timeout=20000)
    screenshot(page, "dashboard-offline")
