"""A room change reaches the lobby and door screens in a real browser, without a reload."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import urllib.request
from contextlib import closing
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import KIOSK, LiveServer, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.browser]
SESSION = "e2e-workshop"


def _token(server: LiveServer, role: str) -> str:
    command = [KIOSK, "--db", str(server.db_path), "token", "create", "--role", role, "--name",
               f"e2e {role}"]  # fmt: skip
    out = subprocess.run(command, check=True, capture_output=True, text=True)
    return out.stdout.strip().splitlines()[-1]


def _running_session(server: LiveServer, tmp_path) -> None:
    """A workshop in Kamboja running now, whatever the time of the run: it started up to ten
    minutes ago and stays within today in the event's time zone (the lobby lists today's)."""
    with closing(sqlite3.connect(server.db_path)) as db:
        zone = ZoneInfo(db.execute("SELECT timezone FROM event").fetchone()[0])
    now = datetime.now(zone).replace(microsecond=0)
    midnight = now.replace(hour=0, minute=0, second=0)
    start = max(now - timedelta(minutes=10), midnight)
    end = min(now + timedelta(minutes=50), midnight + timedelta(hours=23, minutes=59, seconds=59))
    csv_file = tmp_path / "sessions.csv"
    csv_file.write_text("session_id,title,starts_at,ends_at,room_id,room_name,capacity\n"
                        f"{SESSION},Offline-first data sync,{start.isoformat()},{end.isoformat()},"
                        "kamboja,Kamboja,60\n")  # fmt: skip
    subprocess.run([KIOSK, "--db", str(server.db_path), "import", "sessions", str(csv_file)],
                   check=True, capture_output=True)  # fmt: skip


def _move(server: LiveServer, token: str, room_id: str) -> dict:
    body = json.dumps({"room_id": room_id, "reason": "projector broken"}).encode()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    url = f"{server.url}/api/v1/sessions/{SESSION}/room"
    request = urllib.request.Request(url, method="POST", data=body, headers=headers)  # noqa: S310
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def _wait_for(page, selector: str, polls: int = 150) -> bool:
    """Bounded poll for a selector (the latency itself is measured in bench/signage.py)."""
    for _ in range(polls):
        if page.locator(selector).count():
            return True
        page.wait_for_timeout(100)
    return False


def test_room_change_reaches_signage_without_reload(live_server, browser, tmp_path) -> None:
    _running_session(live_server, tmp_path)
    signage, supervisor = _token(live_server, "signage"), _token(live_server, "supervisor")
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    lobby = context.new_page()
    lobby.goto(f"{live_server.url}/signage?token={signage}")
    assert "token=" not in lobby.url  # the token left the address bar for a cookie
    row = f'li[data-session="{SESSION}"]'
    assert _wait_for(lobby, row) and "Kamboja" in lobby.inner_text(row)
    lobby.evaluate("window.__notReloaded = true")
    door = context.new_page()
    door.set_viewport_size({"width": 1280, "height": 800})  # a 10-inch tablet at the door
    door.goto(f"{live_server.url}/signage/door/kamboja")
    screenshot(lobby, "signage-lobby-before")

    answer = _move(live_server, supervisor, "melati")
    assert answer["session"]["room_id"] == "melati"

    assert _wait_for(lobby, f"{row}.board-moved")
    assert "MOVED to Melati" in lobby.inner_text(row)
    assert lobby.evaluate("window.__notReloaded") is True
    assert _wait_for(door, f'.board-alert[data-session="{SESSION}"]')
    assert "moved to Melati" in door.inner_text(".board-alert")
    screenshot(lobby, "signage-lobby-moved")
    screenshot(door, "signage-door-moved")
    context.close()


def test_floor_manager_moves_a_session_from_the_tablet(live_server, browser, tmp_path) -> None:
    """The story of the rooms issue, by hand: sign in as a supervisor, pick the session, see
    the impact, confirm with a reason; the lobby screen shows the move without a reload."""
    _running_session(live_server, tmp_path)
    signage = _token(live_server, "signage")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    lobby = context.new_page()
    lobby.goto(f"{live_server.url}/signage?token={signage}")
    row = f'li[data-session="{SESSION}"]'
    assert _wait_for(lobby, row)
    tablet = context.new_page()
    tablet.goto(f"{live_server.url}/login")
    tablet.select_option("#name", "Budi")
    tablet.fill("#pin", "2222")
    tablet.click("form.stack button[type=submit]")
    tablet.wait_for_url("**/desk")
    tablet.click("nav.topbar-nav >> text=Rooms")
    tablet.goto(f"{live_server.url}/rooms/sessions/{SESSION}/move")
    tablet.select_option("#room_id", "anggrek")  # htmx fetches the impact preview
    assert _wait_for(tablet, "#reason")
    screenshot(tablet, "rooms-move-preview")
    tablet.fill("#reason", "projector broken in Melati")
    tablet.click("#preview button.primary")
    tablet.wait_for_url("**/rooms/changes/**")
    assert "Anggrek" in tablet.inner_text("main")
    screenshot(tablet, "rooms-move-done")
    assert _wait_for(lobby, f"{row}.board-moved")
    for _ in range(150):  # bounded: the board polls every few seconds
        if "Anggrek" in lobby.inner_text(row):
            break
        lobby.wait_for_timeout(100)
    assert "MOVED to Anggrek" in lobby.inner_text(row)
    context.close()
