"""The fleet console in real Chromium against `kiosk headoffice serve` (waitress) on 127.0.0.1.

A supervisor signs in, finds an event with two venue machines, enrols a third (its token and
command shown once), revokes one after confirming, and watches a figure change without the
page reloading. Every screen is checked with axe, on a laptop and on a 10-inch tablet.
"""

from __future__ import annotations

import json
import re
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect

from kiosk.headoffice import events, importing, tokens
from kiosk.headoffice.database import Database, migrate
from tests.e2e.conftest import KIOSK
from tests.e2e.test_accessibility import check, small_targets
from tests.headoffice.fleet_data import ROSTER, ago, arrival, attendee_ids, machine, mail
from tests.support.processes import free_port, stop

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
LAPTOP = {"width": 1366, "height": 768}
TABLET = {"width": 800, "height": 1280}  # a 10-inch tablet upright


@dataclass
class HeadOffice:
    url: str
    database: str
    supervisor: str
    desk2: int  # the token id of the machine the test revokes


def wait_for_health(url: str, process: subprocess.Popen, tries: int = 200) -> None:
    """Polls /healthz a bounded number of times; fails if the server died."""
    for _ in range(tries):
        if process.poll() is not None:
            raise AssertionError("head office exited")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):  # noqa: S310
                return
        except OSError:
            time.sleep(0.05)
    raise AssertionError("head office did not answer")


def seed(path: str) -> tuple[str, int]:
    """JCon with three people, two venue machines that have synced, arrivals and a failed mail."""
    db = Database(path)
    migrate(db)
    event = events.add(db, "jcon", "JCon 2026", "2026-12-08", 2, "Asia/Jakarta")
    events.add(db, "quiet", "Quiet Meetup", "2027-01-15")
    importing.import_attendees(db, event, ROSTER)
    ids = attendee_ids(db, event)
    machine(db, event, "Desk 1", "venue-a", seen=ago(minutes=1), pending=0, offset_ms=800,
            flags=0, quarantined=0)  # fmt: skip
    desk2 = machine(db, event, "Desk 2", "venue-b", seen=ago(minutes=7), pending=3,
                    offset_ms=75_000, flags=1, quarantined=0)  # fmt: skip
    arrival(db, event, "op1", ids["A1"], "2026-12-08T02:10:00.000Z", "venue-a")
    arrival(db, event, "op2", ids["A2"], "2026-12-08T02:40:00.000Z", "venue-b")
    mail(db, event, ids["A3"], "failed", error="421 mail server busy")
    supervisor = tokens.create(db, "supervisor", "Dewi", None)
    db.close()
    return supervisor, desk2


@pytest.fixture(scope="module")
def head_office(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HeadOffice]:
    path = str(tmp_path_factory.mktemp("console") / "headoffice.sqlite3")
    supervisor, desk2 = seed(path)
    port = free_port()
    process = subprocess.Popen([KIOSK, "headoffice", "--database", path, "serve", "--port",
                                str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        wait_for_health(url, process)
        yield HeadOffice(url, path, supervisor, desk2)
    finally:
        stop(process)


def fits(page) -> bool:
    """Nothing pushes the page sideways: wide tables scroll inside their own box."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def hello_status(url: str, token: str) -> int:
    """What /sync/v1/hello answers a machine with this token."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    request = urllib.request.Request(url + "/sync/v1/hello", data=json.dumps({}).encode(),  # noqa: S310
                                     headers=headers)  # fmt: skip
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:  # noqa: S310
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.parametrize(("size", "viewport"), [("laptop", LAPTOP), ("tablet", TABLET)])
def test_a_supervisor_enrols_a_machine_and_revokes_another(
    browser, head_office: HeadOffice, size: str, viewport: dict[str, int]
) -> None:
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    try:
        page.goto(head_office.url + "/console/")
        page.wait_for_selector("#token")
        check(page, f"console-{size}-signin")
        page.fill("#token", head_office.supervisor)
        page.click("form.stack button[type=submit]")
        page.wait_for_url("**/console/")
        check(page, f"console-{size}-events")
        assert fits(page) and small_targets(page) == []
        # JCon has an open flag: it is listed before the newer, quiet event.
        assert page.inner_text("tbody tr:first-child th").startswith("JCon 2026")
        page.click("text=JCon 2026")
        page.wait_for_selector("#live")
        rows = page.locator("#live tbody tr[id^=machine-]")
        assert rows.count() == 2
        assert "⚠" in page.inner_text(f"#machine-{head_office.desk2} [data-figure=clock]")
        check(page, f"console-{size}-event")
        assert fits(page) and small_targets(page) == []

        page.fill("#machine-name", f"Desk South {size}")
        page.click("text=Enrol >> nth=-1")
        command = page.inner_text("#command")
        token = page.inner_text("#token")
        assert command == f"kiosk sync --peer {head_office.url} --token {token}"
        check(page, f"console-{size}-enrolled")
        page.click("text=Back to JCon 2026")
        assert f"Desk South {size}" in page.inner_text("#live")
        assert token not in page.content()  # shown once, never again

        if size == "laptop":  # the first run revokes Desk 2; the second finds it revoked
            assert hello_status(head_office.url, token) != 401
            page.click(f"#revoke-{head_office.desk2}")
            page.wait_for_selector("text=Revoke Desk 2?")
            check(page, f"console-{size}-revoke")
            page.click("text=Revoke Desk 2 >> nth=-1")
            page.wait_for_selector(".flash-ok")
        revoked = page.locator(f"#machine-{head_office.desk2}")
        assert "revoked" in revoked.inner_text()
        assert page.locator(f"#revoke-{head_office.desk2}").count() == 0
    finally:
        context.close()


def test_the_event_page_refreshes_itself_without_reloading(
    browser, head_office: HeadOffice
) -> None:
    context = browser.new_context(viewport=LAPTOP)
    page = context.new_page()
    try:
        page.goto(head_office.url + "/console/signin")
        page.fill("#token", head_office.supervisor)
        page.click("form.stack button[type=submit]")
        page.goto(head_office.url + "/console/events/jcon")
        page.evaluate("window.stillHere = true")  # gone if the page reloaded
        before = page.inner_text("[data-figure=people]")
        db = Database(head_office.database)
        importing.import_attendees(db, events.need(db, "jcon"),
                                   ROSTER + b"A4,Dian,Putri,dian@example.com,\n")  # fmt: skip
        db.close()
        expect(page.locator("[data-figure=people]")).to_have_text("4", timeout=25_000)
        assert (before, page.evaluate("window.stillHere === true")) == ("3", True)
        assert re.fullmatch(r"\d+ min ago|just now", page.inner_text("#live time >> nth=0"))
    finally:
        context.close()
