"""`kiosk purge` beside a running `kiosk serve`: afterwards no file in the instance folder holds a
name or an e-mail, not the database file, not its WAL, not a badge, not a restore's copy."""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from datetime import UTC, datetime

from kiosk import auth
from kiosk.db import open_db, transaction
from kiosk.printing import setup as print_setup
from kiosk.replication.node import load_node
from tests.conftest import seed
from tests.e2e.conftest import KIOSK, wait_until_up
from tests.support.processes import free_port, stop
from tests.sync.replicas import make_headoffice, sync_final

PERSONAL = ["José", "Ñúñez", "jose.nunez", "cafe-nandu", "Nguyễn", "minh.khai", "jruiz@unam",
            "Josefina"]  # fmt: skip
POLLS = 400


def _post(url: str, token: str, body: dict) -> dict:
    request = urllib.request.Request(url, method="POST", data=json.dumps(body).encode(),  # noqa: S310
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return json.load(response)


def _holding(folder) -> dict[str, list[str]]:
    """Which files under `folder` hold which personal strings, in their raw bytes."""
    found = {}
    for path in folder.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            hits = [p for p in PERSONAL if p.encode() in raw or p.encode("utf-16-le") in raw]
            if hits:
                found[str(path.relative_to(folder))] = hits
    return found


def test_purge_beside_a_running_server_leaves_no_personal_data_on_disk(tmp_path):
    instance = tmp_path / "instance"
    db_path = instance / "kiosk.sqlite3"
    db = open_db(db_path)
    seed(db, load_node(db))
    with transaction(db):
        print_setup.add_printer(db, "Badge files", f"{(instance / 'badges').as_uri()}?format=pdf",
                                default=True, now=datetime.now(UTC))  # fmt: skip
    token = auth.create_token(db, "desk", "scanner")
    db.close()
    usb = tmp_path / "usb" / "backup.sqlite3"
    subprocess.run([KIOSK, "--db", str(db_path), "backup", str(usb)], check=True)
    subprocess.run([KIOSK, "--db", str(db_path), "restore", str(usb)], check=True)
    assert (instance / "kiosk.sqlite3.before-restore").exists()

    url = f"http://127.0.0.1:{free_port()}"
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        port = url.rsplit(":", 1)[1]
        server = subprocess.Popen(
            [KIOSK, "--db", str(db_path), "serve", "--port", port],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_up(url, server, log)
        _post(url + "/api/v1/scan", token, {"code": "KN-JOSE01", "desk": "North-1"})
        _post(url + "/api/v1/attendees/a-jose/print", token, {"printer": "Badge files"})
        for _ in range(POLLS):
            if list((instance / "badges").glob("*.pdf")):
                break
            time.sleep(0.05)
        assert list((instance / "badges").glob("*.pdf")), log.read_text()[-2000:]
        venue = open_db(db_path)
        assert sync_final(venue, "ho", make_headoffice(tmp_path))
        venue.close()
        assert _holding(instance)  # the names are on disk before the purge
        purge = subprocess.run([KIOSK, "--db", str(db_path), "purge", "--yes"],
                               capture_output=True, text=True)  # fmt: skip
        assert purge.returncode == 0, purge.stderr
        assert _holding(instance) == {}
        assert server.poll() is None  # the server went on serving
    finally:
        stop(server)
    assert _holding(instance) == {}  # and stopping it wrote nothing personal back
