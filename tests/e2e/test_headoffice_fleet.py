"""One head office on PostgreSQL for two events, with real processes throughout.

Head office runs `kiosk headoffice --database postgresql://… serve`; venue machines run
`kiosk serve` on fresh databases and sync with `kiosk sync`; mail goes to a real SMTP
server. Two venues of event A and one of event B: each venue holds only its own event, a
head office killed and started again loses nothing, and a room change at a venue ends as
one e-mail per affected attendee.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.test_sync_processes import CSV, KIOSK, _free_port, _up, _wait
from tests.support import postgres
from tests.support.smtp import relay

pytestmark = pytest.mark.e2e
TODAY = time.strftime("%Y-%m-%d")
B_ROSTER = ("code,first_name,last_name,email\n"
            "B-1,Wayan,Sudirta,wayan@bali.example\nB-2,Made,Ayu,made@bali.example\n")  # fmt: skip
SESSIONS = ("session_id,title,starts_at,ends_at,room_id,room_name,capacity\n"
            f"keynote,Opening keynote,{TODAY}T09:00,{TODAY}T10:00,melati,Melati,80\n"
            f"panel,Panel,{TODAY}T11:00,{TODAY}T12:00,anggrek,Anggrek,300\n")  # fmt: skip
# Signed up for the keynote: three with an e-mail address, one cancelled (a-cancel).
SIGNUPS = "session_id,attendee_id\n" + "".join(
    f"keynote,{a}\n" for a in ("a-jose", "a-nguyen", "a-obrien", "a-cancel"))  # fmt: skip


def _cli(*args: str, db: Path | None = None, env: dict[str, str] | None = None) -> str:
    command = [KIOSK, *(("--db", str(db)) if db else ()), *args]
    done = subprocess.run(command, capture_output=True, text=True, check=False,
                          env={**os.environ, **(env or {})})  # fmt: skip
    assert done.returncode == 0, f"{' '.join(args)}: {done.stderr}"
    return done.stdout


def _api(url: str, token: str, path: str, body: dict) -> dict:
    request = urllib.request.Request(url + path, json.dumps(body).encode(), method="POST",  # noqa: S310
                                     headers={"Authorization": f"Bearer {token}",
                                              "Content-Type": "application/json"})  # fmt: skip
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310
        return json.loads(answer.read())


def _rows(db: Path, sql: str) -> list[tuple]:
    with closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        return conn.execute(sql).fetchall()


class HeadOffice:
    """`kiosk headoffice serve` on one port, killed and started again at will."""

    def __init__(self, url: str, env: dict[str, str], processes: list) -> None:
        self.url, self.env, self.processes = url, env, processes
        self.port = _free_port()
        self.address = f"http://127.0.0.1:{self.port}"
        self.process = self.start()

    def cli(self, *args: str) -> str:
        return _cli("headoffice", "--database", self.url, *args)

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen([KIOSK, "headoffice", "--database", self.url, "serve",
                                    "--port", str(self.port)], stderr=subprocess.DEVNULL,
                                   env={**os.environ, **self.env})  # fmt: skip
        self.processes.append(process)
        _wait(lambda: _up(self.port), "head office")
        return process

    def kill_and_start(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        self.process = self.start()


def test_two_events_share_one_postgresql_head_office_and_room_changes_are_mailed(
    tmp_path: Path, postgres_cluster: str, processes: list
) -> None:
    url = postgres.fresh_database(postgres_cluster, "fleet_e2e")
    with relay(tmp_path / "smtp") as smtp:
        mail_env = {"KIOSK_SMTP_HOST": "127.0.0.1", "KIOSK_SMTP_PORT": str(smtp.port),
                    "KIOSK_SMTP_STARTTLS": "0", "KIOSK_MAIL_FROM": "hq@org.example"}  # fmt: skip
        _cli("headoffice", "--database", url, "init")
        ho = HeadOffice(url, mail_env, processes)
        ho.cli("events", "add", "a", "--name", "Event A", "--starts", TODAY, "--days", "2",
               "--timezone", "Asia/Jakarta")  # fmt: skip
        ho.cli("events", "add", "b", "--name", "Event B", "--starts", TODAY)
        (tmp_path / "b.csv").write_text(B_ROSTER)
        assert "11 added" in ho.cli("import", "attendees", "--event", "a", str(CSV))
        assert "2 added" in ho.cli("import", "attendees", "--event", "b", str(tmp_path / "b.csv"))
        venues = {"north": "a", "south": "a", "west": "b"}
        dbs = {name: tmp_path / f"{name}.sqlite3" for name in venues}
        tokens = {name: ho.cli("token", "create", "--event", event, "--name", name)
                  .strip().splitlines()[-1] for name, event in venues.items()}  # fmt: skip

        def sync(name: str, *mode: str) -> str:
            return _cli("sync", "--peer", ho.address, "--token", tokens[name],
                        *(mode or ("--once",)), db=dbs[name])  # fmt: skip

        for name in venues:  # fresh venue databases take their event on the first sync
            sync(name)
        assert _rows(dbs["north"], "SELECT name, days, timezone FROM event") == [
            ("Event A", 2, "Asia/Jakarta")]  # fmt: skip
        assert _rows(dbs["west"], "SELECT name FROM event") == [("Event B",)]
        codes = {name: {r[0] for r in _rows(db, "SELECT code FROM attendee")}
                 for name, db in dbs.items()}  # fmt: skip
        assert len(codes["north"]) == 11 and codes["south"] == codes["north"]
        assert codes["west"] == {"B-1", "B-2"}  # partial sync: nobody of event A

        # North runs its desk: the schedule, a check-in and a room change.
        (tmp_path / "sessions.csv").write_text(SESSIONS)
        (tmp_path / "signups.csv").write_text(SIGNUPS)
        _cli("import", "sessions", str(tmp_path / "sessions.csv"), db=dbs["north"])
        _cli("import", "registrations", str(tmp_path / "signups.csv"), db=dbs["north"])
        desk = _cli("token", "create", "--role", "supervisor", "--name", "Dewi",
                    db=dbs["north"]).strip().splitlines()[-1]  # fmt: skip
        port = _free_port()
        processes.append(subprocess.Popen([KIOSK, "--db", str(dbs["north"]), "serve", "--port",
                                           str(port)], stderr=subprocess.DEVNULL))  # fmt: skip
        _wait(lambda: _up(port), "north's desk")
        north = f"http://127.0.0.1:{port}"
        assert _api(north, desk, "/api/v1/scan", {"code": "KN-JOSE01"})["result"] == "checked_in"
        moved = _api(north, desk, "/api/v1/sessions/keynote/room", {"room_id": "anggrek"})
        assert moved["affected_attendees"] == 3
        sync("north")
        sync("south")
        assert _rows(dbs["south"], "SELECT count(*) FROM checkin") == [(1,)]
        assert _rows(dbs["west"], "SELECT count(*) FROM checkin") == [(0,)]

        # Killed without warning and started again: head office still holds everything.
        ho.kill_and_start()
        for name in venues:
            assert "Proven" in sync(name, "--final")
        _wait(lambda: len(smtp.received()) >= 3, "three room-change mails")
        sync("north")
        sync("south")
        ho.kill_and_start()
        time.sleep(1)  # a second mailer start must not send anything again
        mails = smtp.received()
        told = sorted(m["To"].addresses[0].addr_spec for m in mails)
        assert told == ["jose.nunez@cafe-nandu.example", "minh.khai@vnu.example",
                        "siobhan@dublin.example"]  # fmt: skip
        assert all("Anggrek" in m.get_body().get_content() for m in mails)
        listing = ho.cli("events")
        assert "1/11 arrived" in listing and "2 venues" in listing
