"""`kiosk ticketing` without a system to reach: settings kept, the token never shown, errors
in words, and the desk unaffected by a system that cannot be reached."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from kiosk.db import open_db
from kiosk.ticketing import store
from tests.support.processes import free_port

KIOSK = Path(sys.executable).parent / "kiosk"
TOKEN = "s3cret-token-abc"


def kiosk(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run([str(KIOSK), "--db", str(db_path), *args], capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip


def _add(db_path: Path, event: str = "con", token: str = TOKEN, url: str = "") -> str:
    url = url or f"http://127.0.0.1:{free_port()}"
    done = kiosk(db_path, "ticketing", "add", "pretix", "box office", "--url", url,
                 "--organizer", "org", "--event", event, "--token", token)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_connection_is_listed_without_its_token(db_path):
    assert TOKEN not in _add(db_path)
    listing = kiosk(db_path, "ticketing").stdout
    assert "box office (pretix)" in listing and "event=con organizer=org" in listing
    assert "last pull never · last push never" in listing
    assert TOKEN not in listing


def test_an_unreachable_system_fails_in_words_and_is_listed(db_path):
    _add(db_path)
    pulled = kiosk(db_path, "ticketing", "pull")
    assert pulled.returncode == 1
    assert "cannot be reached" in pulled.stderr and "Traceback" not in pulled.stderr
    assert "last error" in kiosk(db_path, "ticketing").stdout


def test_adding_again_keeps_the_place_in_the_feed_unless_the_event_changes(db_path):
    _add(db_path, url="http://127.0.0.1:9")
    db = open_db(db_path)
    with db:
        db.execute('UPDATE ticketing_connection SET cursor = \'{"modified_since": "x"}\'')
    _add(db_path, token="new-token", url="http://127.0.0.1:9")
    kept = store.get(db, "box office")
    assert kept.cursor == {"modified_since": "x"} and kept.settings["token"] == "new-token"
    _add(db_path, event="other", url="http://127.0.0.1:9")
    assert store.get(db, "box office").cursor == {}
    db.close()


def test_unknown_names_and_bad_settings_are_refused_with_a_reason(db_path):
    missing = kiosk(db_path, "ticketing", "pull", "nope")
    assert missing.returncode == 1 and "no ticketing connection named 'nope'" in missing.stderr
    assert "no ticketing connection" in kiosk(db_path, "ticketing", "push").stderr
    bad = kiosk(db_path, "ticketing", "add", "pretix", "x", "--url", "ftp://example.org",
                "--organizer", "o", "--event", "e", "--token", "t")  # fmt: skip
    assert bad.returncode == 1 and "must start with http" in bad.stderr
    _add(db_path)
    assert kiosk(db_path, "ticketing", "remove", "box office").returncode == 0
    assert kiosk(db_path, "ticketing", "remove", "box office").returncode == 1


def test_eventbrite_and_indico_connections_are_kept_with_their_settings(db_path):
    eventbrite = kiosk(db_path, "ticketing", "add", "eventbrite", "eb", "--event", "123",
                       "--token", TOKEN)  # fmt: skip
    indico = kiosk(db_path, "ticketing", "add", "indico", "ind", "--url",
                   "https://indico.example.org", "--event", "42", "--token", TOKEN)  # fmt: skip
    assert eventbrite.returncode == 0 and indico.returncode == 0, eventbrite.stderr + indico.stderr
    listing = kiosk(db_path, "ticketing").stdout
    assert "eb (eventbrite)  event=123" in listing
    assert "ind (indico)  event=42 url=https://indico.example.org" in listing
    assert TOKEN not in listing
    db = open_db(db_path)
    assert store.get(db, "eb").settings == {"event": "123", "token": TOKEN}
    db.close()
