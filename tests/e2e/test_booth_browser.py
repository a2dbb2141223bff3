"""The booth and the desk in real Chromium with a camera: a fake video of a printed badge is
read by the page (BarcodeDetector or the vendored jsQR) and checks in or captures a lead; a
booth phone that loses the connection keeps its scans and sends them when it is back."""

from __future__ import annotations

import json
import subprocess
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import (
    ARTIFACTS,
    CHROMIUM_ARGS,
    KIOSK,
    LiveServer,
    chromium_path,
    demo_server,
    screenshot,
    sign_in_desk,
    sign_in_supervisor,
)
from tests.support.camera import badge_feed

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
PHONE = {"width": 390, "height": 844}
SPONSOR = "garuda-ai-lab"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    yield from demo_server(tmp_path_factory)


def _get(server: LiveServer, path: str, token: str | None = None) -> bytes:
    headers = {"Authorization": f"Bearer {token or server.token}"}
    request = urllib.request.Request(server.url + path, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
        return answer.read()


def _api(server: LiveServer, path: str, token: str | None = None) -> dict:
    return json.loads(_get(server, path, token))


def _badge(server: LiveServer, attendee_id: str) -> bytes:
    return _get(server, f"/api/v1/attendees/{attendee_id}/badge.png")


def _not_arrived(server: LiveServer, skip: int = 0) -> dict:
    people = _api(server, "/api/v1/attendees?q=a&limit=100")["attendees"]
    fresh = [p for p in people if not p["checked_in"] and p["status"] == "valid"]
    return fresh[skip]


def _kiosk(server: LiveServer, *args: str) -> str:
    return subprocess.run([KIOSK, "--db", str(server.db_path), *args],
                          check=True, capture_output=True, text=True).stdout  # fmt: skip


def _exhibitor_token(server: LiveServer, sponsor: str = SPONSOR) -> str:
    out = _kiosk(server, "token", "create", "--role", "exhibitor", "--name", "test booth phone",
                 "--sponsor", sponsor)  # fmt: skip
    return out.strip().splitlines()[-1]


def _new_sponsor(server: LiveServer, name: str) -> str:
    """A sponsor with no demo leads, whose booth list shows only what the test captures
    (the demo's morning of leads may lie later today than the test's own scan)."""
    _kiosk(server, "sponsor", "add", name, "--track", "AI & Data")
    found = [line.split()[0] for line in _kiosk(server, "sponsor", "list").splitlines()
             if f"  {name}  " in line]  # fmt: skip
    return found[0]


def _camera_browser(feed: Path):
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=[
        *CHROMIUM_ARGS, "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={feed}"])  # fmt: skip
    return playwright, browser


def _read_by_camera(page) -> float:
    """Clicks Camera and waits for the page to act on the code; ms from the first frame read."""
    page.click("button.camera")
    page.wait_for_selector("dialog.camera-dialog video")
    page.wait_for_selector("dialog.camera-dialog", state="detached", timeout=15_000)
    return page.evaluate(
        "performance.getEntriesByName('camera-read').at(-1).startTime"
        " - performance.getEntriesByName('camera-frame').at(0).startTime"
    )


def test_a_badge_held_to_the_booth_phone_camera_becomes_a_lead(server, tmp_path) -> None:
    person = _not_arrived(server)
    feed = badge_feed(_badge(server, person["attendee_id"]), tmp_path / "badge.y4m")
    token = _exhibitor_token(server, _new_sponsor(server, "Nusantara Robotics"))
    playwright, browser = _camera_browser(feed)
    try:
        page = browser.new_context(viewport=PHONE).new_page()
        page.goto(f"{server.url}/booth?token={token}")
        assert page.is_visible("button.camera")  # 127.0.0.1 is a secure context
        _read_by_camera(page)
        name = f"{person['first_name']} {person['last_name']}"
        shown = "n => document.getElementById('lead-name').textContent === n"
        page.wait_for_function(shown, arg=name)
        page.check("input[name=rating][value='4']", force=True)
        page.fill("#lead-note", "Wants the enterprise plan")
        # The viewport only: a full-page shot here moves the button under a later click.
        page.screenshot(path=str(ARTIFACTS / "screens" / "booth-phone-lead.png"))
        page.click("#lead-form button[type=submit]")
        page.wait_for_selector("#lead-list >> text=Wants the enterprise plan")
        assert not page.is_visible("#lead-form")  # saved: the form waits for the next badge
        screenshot(page, "booth-phone-list")
    finally:
        browser.close()
        playwright.stop()
    leads = _api(server, "/api/v1/leads", token)["leads"]
    mine = [x for x in leads if x["attendee"]["last_name"] == person["last_name"]]
    assert mine and mine[0]["rating"] == 4 and mine[0]["note"] == "Wants the enterprise plan"
    assert "email" not in mine[0]["attendee"] or person["attendee_id"]  # consent decides


def test_the_desk_camera_checks_a_badge_in(server, tmp_path) -> None:
    person = _not_arrived(server, skip=1)
    feed = badge_feed(_badge(server, person["attendee_id"]), tmp_path / "desk-badge.y4m")
    playwright, browser = _camera_browser(feed)
    try:
        page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
        sign_in_desk(page, server)
        elapsed = _read_by_camera(page)
        page.wait_for_selector("#panel .result.tone-ok", timeout=10_000)
        assert person["last_name"] in page.inner_text("#panel")
        screenshot(page, "desk-camera-checked-in")
        print(f"desk camera: code read {elapsed:.0f} ms after the first frame")
    finally:
        browser.close()
        playwright.stop()
    after = _api(server, f"/api/v1/attendees/{person['attendee_id']}")
    assert after["checked_in"] is True


def test_a_booth_phone_offline_keeps_its_scans_and_sends_them_once(server, browser) -> None:
    token = _exhibitor_token(server)
    person = _not_arrived(server, skip=2)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/booth?token={token}")
    context.set_offline(True)
    page.fill("#scan", person["code"])
    page.press("#scan", "Enter")
    page.wait_for_selector("#booth-queue.tag-warn")
    assert "1 scans saved on this phone" in page.inner_text("#booth-queue")
    page.fill("#lead-note", "Met while the Wi-Fi was down")
    page.click("#lead-form button[type=submit]")
    screenshot(page, "booth-phone-offline")
    assert not [x for x in _api(server, "/api/v1/leads", token)["leads"]
                if x["attendee"]["last_name"] == person["last_name"]]  # fmt: skip
    context.set_offline(False)
    page.wait_for_selector("#booth-queue:not(.tag-warn)", timeout=20_000)
    page.reload()  # a reload resends nothing twice: the queue is empty and the op id was used
    page.wait_for_timeout(500)
    mine = [x for x in _api(server, "/api/v1/leads", token)["leads"]
            if x["attendee"]["last_name"] == person["last_name"]]  # fmt: skip
    assert len(mine) == 1 and mine[0]["visits"] == 1
    assert mine[0]["note"] == "Met while the Wi-Fi was down"
    context.close()


def test_booth_and_sponsor_screens_pass_axe(server, browser) -> None:
    from tests.e2e.test_accessibility import check, small_targets

    token = _exhibitor_token(server)
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{server.url}/booth?token={token}")
    assert not page.is_visible("#lead-form")  # nothing to rate before a scan
    check(page, "a11y-booth-empty")
    page.fill("#scan", _not_arrived(server, skip=3)["code"])
    page.press("#scan", "Enter")
    page.wait_for_selector("#lead-form:not([hidden])")
    check(page, "a11y-booth-lead")
    assert small_targets(page) == []
    page.click("button[lang=id]")
    page.wait_for_selector("html[lang=id]")
    check(page, "a11y-booth-id")
    page.goto(f"{server.url}/booth/report")
    check(page, "a11y-booth-report")
    context.close()
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    sign_in_supervisor(page, server)
    page.click("text=Sponsors")
    check(page, "a11y-sponsors")
    page.click(f"text=Report of {page.inner_text('tbody tr td')}")
    check(page, "a11y-sponsor-report")
    context.close()
