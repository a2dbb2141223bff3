"""The supervisor's ticketing screen in Chromium, while `kiosk serve` pulls and pushes by itself."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from kiosk.db import open_db
from kiosk.desk import checkin
from kiosk.replication.node import load_node
from tests.e2e.conftest import CHROMIUM_ARGS, KIOSK, chromium_path, screenshot, wait_until_up
from tests.e2e.test_accessibility import axe_violations
from tests.support.pretix import ORGANIZER
from tests.support.processes import free_port, stop

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


def _kiosk(db_path: Path, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run([KIOSK, "--db", str(db_path), *args], check=True, capture_output=True,
                          text=True, env=env).stdout  # fmt: skip


def test_the_screen_shows_pulls_pushes_errors_and_refusals(tmp_path, event):
    ana = event.order({"given": "Ana", "family": "Lima"})
    budi = event.order({"given": "Budi", "family": "Santoso"})
    db_path = tmp_path / "kiosk.sqlite3"
    _kiosk(db_path, "demo", "--attendees", "30", "--seed", "3")
    common = ["--organizer", ORGANIZER, "--event", event.slug]
    _kiosk(db_path, "ticketing", "add", "pretix", "Box office", "--url", event.pretix.url,
           "--token", event.pretix.token, *common)  # fmt: skip
    _kiosk(db_path, "ticketing", "add", "pretix", "Old laptop", "--url", event.pretix.url,
           "--token", "revoked-token", *common)  # fmt: skip
    _kiosk(db_path, "ticketing", "pull", "Box office")
    event.cancel(budi["code"])  # pretix will refuse Budi's check-in
    db = open_db(db_path)
    for order in (ana, budi):
        checkin.scan(db, load_node(db), order["positions"][0]["secret"], desk="North-1")
    db.close()

    port = free_port()
    log = tmp_path / "serve.log"
    with log.open("wb") as out:  # its first round pulls and pushes every connection
        server = subprocess.Popen([KIOSK, "--db", str(db_path), "serve", "--port", str(port)],
                                  stdout=out, stderr=subprocess.STDOUT)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    from playwright.sync_api import expect, sync_playwright

    try:
        wait_until_up(url, server, log)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = browser.new_page(viewport={"width": 1100, "height": 900})
            page.goto(url + "/login")
            page.select_option("#name", "Budi")
            page.fill("#pin", "2222")
            page.fill("#desk", "Supervisor")
            page.click("form.stack button[type=submit]")
            page.wait_for_url("**/desk")
            page.click("nav >> text=Ticketing")
            expect(page.locator("#ticketing-status")).to_contain_text("Budi Santoso", timeout=30000)
            status = page.locator("#ticketing-status")
            expect(status).to_contain_text("revoked in pretix")
            expect(status).to_contain_text("refused the API token: create a new token")
            expect(status).to_contain_text("no longer accepts this connection's token")
            expect(status).to_contain_text("token refused")
            assert re.search(r"Last push: \d\d:\d\d", status.inner_text())
            screenshot(page, "ticketing-supervisor")
            assert axe_violations(page, "ticketing") == []  # WCAG 2.2 AA, as every screen
            page.click("text=Bahasa Indonesia")
            expect(page.locator("h1")).to_have_text("Sistem tiket")
            status = page.locator("#ticketing-status")
            expect(status).to_contain_text("Ditolak oleh sistem tiket")
            expect(status).to_contain_text("dicabut di pretix")
            expect(status).to_contain_text("Sistem tiket menolak token API")
            screenshot(page, "ticketing-supervisor-id")
            browser.close()
    finally:
        stop(server)
