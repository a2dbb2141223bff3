"""The desk in real Chromium: a keyboard-wedge scanner, type-ahead, undo, and no JavaScript."""

from __future__ import annotations

import sqlite3

import pytest

from tests.e2e.conftest import LiveServer, screenshot, sign_in_desk

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
TABLET = {"width": 1280, "height": 800}


def fresh_codes(db_path, count: int) -> list[str]:
    """Codes of valid, unblocked, full-event attendees nobody has checked in yet."""
    db = sqlite3.connect(db_path)
    rows = db.execute(
        "SELECT code FROM attendee a WHERE status = 'valid' AND block_note = ''"
        " AND ticket_type NOT LIKE 'Day Pass%' AND NOT EXISTS"
        " (SELECT 1 FROM checkin c WHERE c.attendee_id = a.attendee_id) ORDER BY code LIMIT ?",
        (count,),
    ).fetchall()
    db.close()
    return [r[0] for r in rows]


@pytest.fixture
def page(browser, live_server: LiveServer):
    context = browser.new_context(viewport=TABLET)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    sign_in_desk(page, live_server)
    yield page
    context.close()
    assert errors == [], errors  # no script errors, no CSP violations, no missing files


def test_scanner_checks_in_and_keeps_focus(page, live_server: LiveServer) -> None:
    code = fresh_codes(live_server.db_path, 1)[0]
    assert page.evaluate("document.activeElement.id") == "scan"
    page.keyboard.type(code)  # a keyboard-wedge scanner types the QR text, then Enter
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-ok")
    assert "Checked in" in page.inner_text("#panel")
    assert page.input_value("#scan") == ""  # ready for the next person
    assert page.evaluate("document.activeElement.id") == "scan"
    screenshot(page, "desk-checked-in")
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-warn")
    assert "Desk North-1" in page.inner_text("#panel")
    assert page.locator("#recent li").count() >= 2
    screenshot(page, "desk-already-checked-in")


def test_unknown_code_is_red(page) -> None:
    page.keyboard.type("https://example.com/not-a-ticket")
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-error")
    assert "Unknown code" in page.inner_text("#panel")
    screenshot(page, "desk-unknown-code")


def test_type_ahead_then_check_in_and_undo(page, live_server: LiveServer) -> None:
    db = sqlite3.connect(live_server.db_path)
    first, last = db.execute(
        "SELECT first_name, last_name FROM attendee a WHERE status = 'valid' AND"
        " block_note = '' AND last_name != '' AND ticket_type = 'Attendee' AND NOT EXISTS"
        " (SELECT 1 FROM checkin c WHERE c.attendee_id = a.attendee_id) ORDER BY code DESC"
    ).fetchone()
    db.close()
    page.keyboard.type(f"{first} {last}"[:-1])
    page.wait_for_selector("#matches li")
    screenshot(page, "desk-type-ahead")
    page.locator("#matches a", has_text=last).first.click()
    page.wait_for_selector("#panel article.attendee")
    page.click("#panel article.attendee form button.primary")
    page.wait_for_selector("#panel .result.tone-ok")
    assert page.input_value("#scan") == ""  # the pick ended this person's turn
    page.click("text=Details")
    page.wait_for_selector("#panel .history")
    page.once("dialog", lambda dialog: dialog.accept())  # "Undo this check-in?"
    page.locator("#panel .history form button").first.click()
    page.wait_for_selector("#panel .history li.undone")
    page.wait_for_selector("#recent li.undone")  # the strip no longer shows a green tick
    screenshot(page, "desk-after-undo")


def test_walk_in(page) -> None:
    page.click("text=Walk-in")
    page.wait_for_selector("#f-first_name")
    page.fill("#f-first_name", "Putu")
    page.fill("#f-last_name", "Wijaya Kusuma")
    page.fill("#f-company", "Bali Kreatif")
    screenshot(page, "desk-walk-in-form")
    page.click("#panel button.primary")
    page.wait_for_selector("#panel .result.tone-ok")
    assert "Putu Wijaya Kusuma" in page.inner_text("#panel")


def test_everything_works_without_javascript(browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport=TABLET, java_script_enabled=False)
    page = context.new_page()
    sign_in_desk(page, live_server)
    code = fresh_codes(live_server.db_path, 3)[-1]
    page.fill("#scan", code)
    page.click("#scan-form button.primary")
    page.wait_for_selector("#panel .result.tone-ok")
    page.fill("#scan", "zzzz-unknown-zzzz")
    page.click("#scan-form button.primary")
    page.wait_for_selector("#panel .result.tone-error")
    screenshot(page, "desk-no-javascript")
    context.close()


def test_portrait_tablet_layout(browser, live_server: LiveServer) -> None:
    context = browser.new_context(viewport={"width": 800, "height": 1280})
    page = context.new_page()
    sign_in_desk(page, live_server)
    code = fresh_codes(live_server.db_path, 2)[-1]
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-ok")
    panel, matches = page.locator("#panel").bounding_box(), page.locator("#matches").bounding_box()
    assert panel["y"] < matches["y"]  # the result comes first on a narrow screen
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 800  # nothing forces sideways scrolling
    screenshot(page, "desk-portrait")
    context.close()


def test_arrived_today_counts_this_desks_check_in(page, live_server: LiveServer) -> None:
    """The header's count moves with the answer, not at the next poll."""
    before = int(page.inner_text("#arrived-today"))
    page.keyboard.type(fresh_codes(live_server.db_path, 4)[-1])
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-ok")
    assert int(page.inner_text("#arrived-today")) == before + 1  # same response as the panel


PHONE = {"width": 390, "height": 844}


def sideways(page) -> list[str]:
    """Elements reaching past the right edge of the screen: they force sideways scrolling."""
    return page.evaluate("""() => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth)
        .map(e => e.outerHTML.slice(0, 100))""")


def test_phone_layout(browser, live_server: LiveServer) -> None:
    """On a phone the scan field takes the whole width, its buttons go below, and no desk
    screen scrolls sideways, the badge preview included."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(live_server.url + "/login")
    assert sideways(page) == []
    sign_in_desk(page, live_server)
    field = page.locator("#scan").bounding_box()
    assert field["width"] >= 0.85 * PHONE["width"], field
    for button in ("#scan-form button.primary", "#scan-form a.button"):
        assert page.locator(button).bounding_box()["y"] >= field["y"] + field["height"]
    assert sideways(page) == []
    screenshot(page, "desk-phone")
    page.keyboard.type(fresh_codes(live_server.db_path, 5)[-1])
    page.keyboard.press("Enter")
    page.wait_for_selector("#panel .result.tone-ok")
    assert sideways(page) == []
    screenshot(page, "desk-phone-checked-in")
    page.click("text=Details")
    page.wait_for_selector("#panel .history")
    page.locator("img.badge-preview").evaluate("img => img.decode()")  # loaded and laid out
    assert page.locator("img.badge-preview").bounding_box()["width"] <= PHONE["width"]
    assert sideways(page) == []
    screenshot(page, "desk-phone-attendee")
    href = page.locator("#panel a", has_text="Edit name").get_attribute("href")
    page.goto(live_server.url + href.removesuffix("/edit"))  # the attendee page on its own
    page.locator("img.badge-preview").evaluate("img => img.decode()")  # loaded and laid out
    assert sideways(page) == []
    page.click("text=Walk-in")
    page.wait_for_selector("#f-first_name")
    assert sideways(page) == []
    page.fill("#scan", "a")
    page.wait_for_selector("#matches li")
    assert sideways(page) == []
    screenshot(page, "desk-phone-type-ahead")
    page.click("header button[lang=id]")  # longer words in Bahasa Indonesia
    page.wait_for_selector("html[lang=id]")
    assert sideways(page) == []
    page.click("#scan-form a.button")
    page.wait_for_selector("#f-first_name")
    assert sideways(page) == []
    screenshot(page, "desk-phone-walk-in-id")
    context.close()
