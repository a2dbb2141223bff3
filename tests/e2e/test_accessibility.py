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
from kiosk.db import open_db
from tests.e2e.conftest import ARTIFACTS, LiveServer, screenshot, sign_in_desk
from tests.e2e.test_selfservice_browser import FRESH, people, scan, start_server
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


def small_targets(page) -> list[str]:
    """Buttons, links and fields smaller than 44 × 44 px (WCAG 2.5.5 as our house rule)."""
    return page.evaluate("""() => [...document.querySelectorAll(
        'main button, main a.button, main input:not([type=hidden]), main select, header button')]
        .filter(e => e.offsetParent !== null)
        .filter(e => { const r = e.getBoundingClientRect(); return r.width < 44 || r.height < 44; })
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


def test_typed_code_prompt_and_screens_page(context, server: LiveServer) -> None:
    """The last-name prompt after a typed code, and the supervisor's list of screens."""
    page = bind(context, server)
    page.keyboard.type("KN-TYPED", delay=150)
    page.keyboard.press("Enter")
    page.wait_for_selector("body.step-type")
    check(page, "a11y-self-typed-code")
    staff = context.browser.new_context(viewport=TABLET)  # a bound screen shows no staff page
    admin = staff.new_page()
    admin.goto(server.url + "/login")
    admin.select_option("#name", "Budi")
    admin.fill("#pin", "2222")
    admin.click("form.stack button[type=submit]")
    admin.wait_for_url("**/desk")
    admin.goto(server.url + "/admin/screens")
    assert "a11y screen" in admin.inner_text("main")
    check(admin, "a11y-admin-screens")
    assert small_targets(admin) == []
    staff.close()
