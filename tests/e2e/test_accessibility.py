"""WCAG 2.2 AA checks with axe-core in real Chromium, on every self-service and desk screen.

axe-core is vendored for the tests only (tests/e2e/vendor/README.md) and injected into each
page, so the check needs no network and the app never serves it. A screen passes when axe
finds no violation of the WCAG 2.0/2.1/2.2 A and AA rules, nor of its best practices;
docs/accessibility.md records what it found and how each finding was fixed.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk import auth
from kiosk.db import open_db, transaction
from kiosk.desk import attendees, checkin
from kiosk.replication.node import Node
from sync.hlc import Clock
from tests.e2e.conftest import ARTIFACTS, LiveServer, screenshot, sign_in_desk, sign_in_supervisor
from tests.e2e.test_selfservice_browser import FRESH, people, scan, start_server
from tests.e2e.test_signage_browser import SESSION, _running_session, _token
from tests.support.processes import stop

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
AXE = Path(__file__).parent / "vendor" / "axe-core-4.14.1.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
TABLET = {"width": 1280, "height": 800}


def axe_violations(page, name: str) -> list[dict]:
    """Runs axe on the page as it is now; keeps the full report under test-artifacts/axe."""
    page.evaluate(AXE.read_text(encoding="utf-8"))  # through the debugger: the CSP stays on
    report = page.evaluate("async (tags) => await axe.run(document, {runOnly: {type: 'tag',"
                           " values: tags}, resultTypes: ['violations']})", TAGS)  # fmt: skip
    target = ARTIFACTS / "axe" / f"{name}.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(report["violations"], indent=2), encoding="utf-8")
    found = report["violations"]
    return [{"id": v["id"], "impact": v["impact"],
             "nodes": [n["target"] for n in v["nodes"]][:5]} for v in found]  # fmt: skip


def check(page, name: str) -> None:
    """No WCAG A/AA violation on this screen; its screenshot is saved for people too."""
    screenshot(page, name)
    assert axe_violations(page, name) == [], name


def look(page, name: str, found: dict[str, list]) -> None:
    """Like `check`, but collects, so one run lists the violations of every screen."""
    screenshot(page, name)
    if violations := axe_violations(page, name):
        found[name] = violations
    if (small := small_targets(page)) and "signage" not in name:
        found[name + " small"] = small


def small_targets(page) -> list[str]:
    """Buttons, links and fields smaller than 44 × 44 px (WCAG 2.5.5 as our house rule); a
    check box or radio button counts with the label around it, which toggles it too."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'main button, main a.button, main input:not([type=hidden]), main select, header button')]
        .filter(e => e.offsetParent !== null)
        .filter(e => { const t = (['checkbox', 'radio'].includes(e.type) && e.closest('label'))
                         || e;
                       const r = t.getBoundingClientRect(); return r.width < 44 || r.height < 44; })
        .map(e => e.outerHTML.slice(0, 80))""")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    server, process = start_server(tmp_path_factory.mktemp("a11y"))
    try:
        yield server
    finally:
        stop(process)


@pytest.fixture
def context(browser):
    context = browser.new_context(viewport=TABLET)
    yield context
    context.close()


def bind(context, server: LiveServer):
    db = open_db(server.db_path)
    token = auth.create_token(db, "selfservice", "a11y screen")
    db.close()
    page = context.new_page()
    page.goto(f"{server.url}/self?token={token}")
    page.wait_for_selector("#ss-code")
    return page


def test_axe_really_checks(context, server: LiveServer) -> None:
    """A page with a known fault fails: a passing screen is not a checker that never ran."""
    page = bind(context, server)
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend',"
                  " '<img src=\"/static/favicon.svg\"><button></button>')")  # fmt: skip
    found = {v["id"] for v in axe_violations(page, "a11y-self-faulty")}
    assert {"image-alt", "button-name"} <= found


def test_selfservice_screens(context, server: LiveServer) -> None:
    page = bind(context, server)
    check(page, "a11y-self-welcome")
    assert small_targets(page) == []
    page.click("text=Type your confirmation code")
    check(page, "a11y-self-type")
    page.click("text=Back")
    person = people(server, FRESH)[0]
    scan(page, person["code"])
    page.wait_for_selector("body.step-hello")
    check(page, "a11y-self-hello")
    page.click("text=Print my badge")
    page.wait_for_selector("body.step-done, body.step-refused", timeout=30_000)
    check(page, "a11y-self-done")
    page.click("text=Finish")
    scan(page, "NOT-A-TICKET")
    page.wait_for_selector("body.step-refused")
    check(page, "a11y-self-refused")
    assert small_targets(page) == []


def test_selfservice_in_indonesian_and_large_text(context, server: LiveServer) -> None:
    page = bind(context, server)
    page.click("button[lang=id]")
    page.wait_for_selector("html[lang=id]")
    page.click(".ss-large")
    page.wait_for_selector("body.large-text")
    check(page, "a11y-self-welcome-id-large")
    page.click("button[lang=en]")


def test_selfservice_keyboard_focus_order(context, server: LiveServer) -> None:
    """Tab walks the screen top to bottom, and every stop shows where focus is."""
    page = bind(context, server)
    page.click("text=Use your e-mail address")
    page.wait_for_selector("#ss-key")
    order, styles = [], []
    for _ in range(8):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement === document.body"):
            continue  # focus left the page for the browser's own controls
        order.append(page.evaluate("document.activeElement.id || document.activeElement.innerText"))
        styles.append(page.evaluate("getComputedStyle(document.activeElement).outlineStyle"))
    assert order.index("ss-name") < order.index("Find my ticket") < order.index("Back")
    assert "none" not in styles, list(zip(order, styles, strict=True))  # a ring at every stop


def test_desk_screens(context, server: LiveServer) -> None:
    page = context.new_page()
    page.goto(server.url + "/login")
    check(page, "a11y-login")
    sign_in_desk(page, server)
    check(page, "a11y-desk")
    assert small_targets(page) == []
    person = people(server, FRESH)[0]
    page.keyboard.type(person["code"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-ok")
    check(page, "a11y-desk-checked-in")
    assert small_targets(page) == []
    page.click("text=Details")
    page.wait_for_selector("#panel .history")
    check(page, "a11y-desk-details")
    page.fill("#scan", person["last_name"][:4] or person["first_name"][:4])
    page.wait_for_selector("#matches li")
    check(page, "a11y-desk-type-ahead")
    page.click("text=Walk-in")
    page.wait_for_selector("#f-first_name")
    check(page, "a11y-desk-walk-in")
    page.fill("#scan", "")
    page.keyboard.type("NOT-A-TICKET")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-error")
    check(page, "a11y-desk-unknown")


def test_desk_language_switch(context, server: LiveServer) -> None:
    page = context.new_page()
    sign_in_desk(page, server)
    page.click("header button[lang=id]")
    page.wait_for_selector("html[lang=id]")
    assert "Keluar" in page.inner_text("header") or "Meja" in page.inner_text("body")
    check(page, "a11y-desk-id")
    db = sqlite3.connect(server.db_path)
    code = db.execute("SELECT code FROM attendee WHERE status = 'cancelled' LIMIT 1").fetchone()[0]
    db.close()
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-error")
    assert "dibatalkan" in page.inner_text("#panel").lower()
    check(page, "a11y-desk-id-cancelled")
    page.click("header button[lang=en]")
    page.wait_for_selector("html[lang=en]")


def make_flags(server: LiveServer) -> str:
    """One flag of each kind, as two desks apart would leave them; the double-scanned person."""
    db = open_db(server.db_path)
    north, south = (Node(name, Clock(name)) for name in ("a11y-north", "a11y-south"))
    twice, cancelled, edited, again = people(server, FRESH, 4)
    for person in (twice, cancelled):
        first = checkin.scan(db, north, person["code"], desk="North-1").checkin_op_id
        row = db.execute("SELECT * FROM checkin WHERE op_id = ?", (first,)).fetchone()
        with transaction(db):
            south.record(db, "checkin", person["attendee_id"],
                         {"at": row["at"], "day": row["day"], "desk": "South-1"})  # fmt: skip
    with transaction(db):
        north.record(db, "attendee_upsert", cancelled["attendee_id"],
                     {"fields": {"status": "cancelled"}, "source": "import"})  # fmt: skip
        versions = json.loads(attendees.get(db, edited["attendee_id"])["versions"])
        for desk, company in ((north, "Kopi Nusantara"), (south, "Kopi Toraja")):
            desk.record(db, "attendee_upsert", edited["attendee_id"], {"fields": {
                "company": company}, "seen": {"company": versions.get("company", "")}})  # fmt: skip
        attendees.create_walkin(db, north, {k: again[k] for k in ("first_name", "last_name",
                                "email", "company")}, "Attendee", "Ana")  # fmt: skip
    db.close()
    return twice["attendee_id"]


def test_staff_screens_with_data(context, server: LiveServer, tmp_path) -> None:
    """Schedule, room change with its preview, doors, occupancy, review, printers, an
    attendee's own page and signage: each with something on it, in both languages."""
    _running_session(server, tmp_path)
    person = make_flags(server)
    found: dict[str, list] = {}
    page = context.new_page()
    sign_in_supervisor(page, server)
    page.goto(server.url + "/rooms")
    look(page, "a11y-rooms", found)
    page.goto(f"{server.url}/rooms/sessions/{SESSION}/move")
    look(page, "a11y-rooms-move", found)
    page.select_option("#room_id", index=1)
    page.wait_for_selector("#preview .impact")
    look(page, "a11y-rooms-move-preview", found)
    page.fill("#reason", "projector broken")
    page.click("#preview button.primary")
    page.wait_for_url("**/rooms/changes/**")
    look(page, "a11y-rooms-change", found)
    page.goto(server.url + "/rooms")
    page.wait_for_selector("text=Recent room changes")
    look(page, "a11y-rooms-with-changes", found)
    page.goto(server.url + "/rooms/occupancy")
    look(page, "a11y-rooms-occupancy", found)
    page.goto(server.url + "/rooms/door")
    look(page, "a11y-door-pick", found)
    page.click("form.stack button.primary")
    page.wait_for_selector("#scan")
    look(page, "a11y-door", found)
    page.keyboard.type(people(server, FRESH)[0]["code"])
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result")
    look(page, "a11y-door-scanned", found)
    page.goto(server.url + "/review")
    assert page.locator("#flags li.card").count() >= 4
    look(page, "a11y-review", found)
    page.locator("#flags li.card button[value=keep_both]").first.click()
    page.wait_for_selector("#flags .flash-ok")
    page.goto(server.url + "/review?all=1")
    look(page, "a11y-review-answered", found)
    page.goto(server.url + "/admin/printers")
    look(page, "a11y-admin-printers", found)
    page.goto(f"{server.url}/desk/attendees/{person}")
    page.locator("img.badge-preview").evaluate("img => img.decode()")
    look(page, "a11y-attendee-page", found)
    page.goto(server.url + "/signage/screens")
    look(page, "a11y-signage-screens", found)
    page.click("header button[lang=id]")
    page.wait_for_selector("html[lang=id]")
    for path, name in (("/rooms", "rooms"), ("/review", "review"), ("/admin/printers", "printers")):
        page.goto(server.url + path)
        look(page, f"a11y-{name}-id", found)
    page.click("header button[lang=en]")
    page.wait_for_selector("html[lang=en]")
    assert found == {}, json.dumps(found, indent=1)


def test_signage_screens_with_data(browser, server: LiveServer, tmp_path) -> None:
    """The lobby TV and room doors, with sessions running (one moved, after the test above)."""
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    found: dict[str, list] = {}
    page = context.new_page()
    page.goto(f"{server.url}/signage?token={_token(server, 'signage')}")
    page.wait_for_selector(".board-row")
    look(page, "a11y-signage-lobby", found)
    db = sqlite3.connect(server.db_path)
    (room,) = db.execute("SELECT room_id FROM session WHERE session_id = ?", (SESSION,)).fetchone()
    db.close()
    for room_id in {"kamboja", room}:  # the planned room, and the one it moved to if it did
        page.goto(f"{server.url}/signage/door/{room_id}")
        page.wait_for_selector("#board .board-block")
        look(page, f"a11y-signage-door-{room_id}", found)
    context.close()
    assert found == {}, json.dumps(found, indent=1)


def test_typed_code_prompt_and_screens_page(context, server: LiveServer) -> None:
    """The last-name prompt after a typed code, and the supervisor's list of screens."""
    page = bind(context, server)
    page.keyboard.type("KN-TYPED", delay=150)
    page.keyboard.press("Enter")
    page.wait_for_selector("body.step-type")
    check(page, "a11y-self-typed-code")
    staff = context.browser.new_context(viewport=TABLET)  # a bound screen shows no staff page
    admin = staff.new_page()
    sign_in_supervisor(admin, server)
    admin.goto(server.url + "/admin/screens")
    assert "a11y screen" in admin.inner_text("main")
    check(admin, "a11y-admin-screens")
    assert small_targets(admin) == []
    staff.close()
