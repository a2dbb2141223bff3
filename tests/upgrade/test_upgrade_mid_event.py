"""A venue upgrades Kiosk mid-event: 0.1.0 stops, today's Kiosk starts on the same file.

0.1.0 is built from this repository's history (tests/upgrade/release.py, kiosks.py). It
makes the event as a venue does (demo, imports, scans through its real server, a walk-in, an
undo, a print, a room change, a sync with its head office); then today's `kiosk serve` opens
the file. Migrations run forward as it starts, every check-in is still there with its op id
and arrival time, the pages load, scans go on, and head office, still on 0.1.0 and then
upgraded in turn, and a head office of many events take the whole log. A second start has
nothing left to migrate, and the state is what today's fold makes of the log.
"""

from __future__ import annotations

import re
import sqlite3
import subprocess
import time
import urllib.parse
from datetime import date
from pathlib import Path

import pytest

from kiosk.db import migrations
from kiosk.replication.fold import STATE_TABLES
from tests.support.processes import free_port, op_ids, read_only
from tests.upgrade import kiosks
from tests.upgrade.kiosks import POLLS, Client, Release, serving

pytestmark = pytest.mark.e2e
CODES = [f"UPG{i:03d}" for i in range(1, 41)]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _make_event_with_0_1_0(old: Release, db: Path, folder: Path) -> tuple[dict[str, str], Client]:
    """What a venue running 0.1.0 did on day one; returns the tokens and ids it made, and the
    desk's browser, signed in."""
    out = old.run("--db", str(db), "demo", "--attendees", "300", "--seed", "11")
    made = {"desk": re.search(r"API token \(role desk\): (\S+)", out).group(1),
            "signage": re.search(r"/signage\?token=(\S+)", out).group(1)}  # fmt: skip
    made["supervisor"] = old.run("--db", str(db), "token", "create", "--role", "supervisor",
                                 "--name", "floor").strip()  # fmt: skip
    people = [f"upg-{i:03d},{code},Putri {i},Santoso,putri{i}@example.org,Firma"
              for i, code in enumerate(CODES, 1)]  # fmt: skip
    people.append("upg-hangul,UPGKR1,박수빈,,subin@example.org,Firma")  # Park / Bak Subin
    old.run("--db", str(db), "import", "attendees", str(_write(folder / "people.csv", [
        "attendee_id,code,first_name,last_name,email,company", *people])))  # fmt: skip
    today = date.today().isoformat()
    old.run("--db", str(db), "import", "sessions", str(_write(folder / "sessions.csv", [
        "session_id,title,starts_at,ends_at,room_id,room_name,capacity",
        f"upg-talk,Upgrading mid-event,{today}T15:00,{today}T16:00,upg-hall,Upgrade Hall,120",
    ])))  # fmt: skip
    old.run("--db", str(db), "import", "registrations", str(_write(folder / "signups.csv", [
        "session_id,attendee_id", *[f"upg-talk,upg-{i:03d}" for i in range(1, 11)]])))  # fmt: skip
    with serving(old, db, "--db", str(db), "serve") as url:
        staff = _work_the_desk(url, made)
    ho = folder / "ho" / "ho.sqlite3"  # head office, also on 0.1.0, has all of it by noon
    ho.parent.mkdir()
    made["sync"] = old.run("--db", str(ho), "token", "create", "--role", "sync", "--name",
                           "venue").strip()  # fmt: skip
    made["ho_port"] = str(free_port())  # a peer is its URL: head office keeps its address
    with serving(old, ho, "--db", str(ho), "headoffice", "serve", port=int(made["ho_port"])) as url:
        old.run("--db", str(db), "sync", "--peer", url, "--token", made["sync"], "--once")
    return made, staff


def _work_the_desk(url: str, made: dict[str, str]) -> Client:
    desk, floor = Client(url, made["desk"]), Client(url, made["supervisor"])
    for code in CODES[:10]:
        assert desk.scan(code)["result"] == "checked_in"
    assert desk.scan(CODES[0])["result"] == "already_checked_in"
    undone = desk.scan(CODES[10])["op_id"]
    assert desk.call("POST", f"/api/v1/checkins/{undone}/undo", {"reason": "wrong person"}) == (
        200, {"result": "undone"})  # fmt: skip
    status, job = desk.call("POST", "/api/v1/attendees/upg-002/print", {"reason": "upgrade"})
    assert status == 202, job
    made["job"] = job["job_id"]
    rooms = [r["room_id"] for r in floor.call("GET", "/api/v1/rooms")[1]["rooms"]]
    moved = next(r for r in rooms if r != "upg-hall")
    status, change = floor.call("POST", "/api/v1/sessions/upg-talk/room", {"room_id": moved})
    assert status == 200, change
    made["room"] = moved
    staff = Client(url)
    staff.sign_in("Ana", "1111")
    status, page = staff.page("/desk/walkin", {"first_name": "Wira", "last_name": "Upgradewalk",
                                               "email": "wira@example.org", "company": "Pindah",
                                               "ticket_type": "Attendee", "checkin": "1",
                                               "confirm": "1"})  # fmt: skip
    assert status == 200 and "Upgradewalk" in page, page[:300]
    return staff


def _snapshot(db: Path) -> dict[str, object]:
    """What must survive an upgrade, read from the file without a Kiosk."""
    with read_only(db) as conn:
        return {
            "checkins": conn.execute("SELECT op_id, attendee_id, at, day, desk, staff FROM checkin"
                                     " ORDER BY op_id").fetchall(),
            "undos": conn.execute("SELECT op_id, checkin_op_id FROM checkin_undo").fetchall(),
            "attendees": conn.execute("SELECT count(*) FROM attendee").fetchone()[0],
            "jobs": conn.execute("SELECT job_id FROM print_job").fetchall(),
        }  # fmt: skip


def _schema(db: Path) -> tuple[int, list[tuple]]:
    with read_only(db) as conn:
        sql = conn.execute("SELECT type, name, sql FROM sqlite_master ORDER BY type, name")
        return conn.execute("PRAGMA user_version").fetchone()[0], sql.fetchall()


def test_a_database_of_0_1_0_upgrades_mid_event_and_keeps_every_checkin(
    old: Release, tmp_path: Path
) -> None:
    db = tmp_path / "venue" / "kiosk.sqlite3"
    db.parent.mkdir()
    made, signed_in = _make_event_with_0_1_0(old, db, tmp_path)
    before = _snapshot(db)
    old_schema, old_ops = _schema(db)[0], op_ids(db)
    newest = migrations()[-1][0]
    assert old_schema < newest  # there is something to migrate
    assert len(before["checkins"]) >= 12 and len(before["undos"]) == 1

    today = kiosks.today()
    with serving(today, db, "--db", str(db), "serve") as url:
        assert _schema(db)[0] == newest  # serve ran the migrations as it started
        assert op_ids(db) >= old_ops
        after = _snapshot(db)
        assert after == before  # each check-in: its op id, attendee, arrival time, desk, staff
        _pages_load(url, made)
        signed_in.url = url  # the tablet that was signed in to 0.1.0 signs in once more
        assert 'name="pin"' in signed_in.page("/desk")[1]
        _scans_go_on(Client(url, made["desk"]))
        _syncs_with_its_headoffice_before_and_after_that_upgrades(old, today, db, made)
        _proves_its_log_to_a_headoffice_of_many_events(today, db, tmp_path)

    schema = _schema(db)
    with serving(today, db, "--db", str(db), "serve") as url:  # the second start
        assert Client(url, made["desk"]).scan(CODES[20])["result"] == "checked_in"
    assert _schema(db) == schema  # no migration was left to run
    _state_is_the_fold_of_the_log(today, db, tmp_path / "rebuilt.sqlite3")


def _state_is_the_fold_of_the_log(today: Release, db: Path, copy: Path) -> None:
    """What the migrations made of 0.1.0's tables (columns filled in, indexes derived) is what
    today's fold makes of the same log from nothing: `kiosk rebuild` on a copy."""
    today.run("--db", str(db), "backup", str(copy))
    today.run("--db", str(copy), "rebuild")
    with read_only(db) as upgraded, read_only(copy) as rebuilt:
        for table in STATE_TABLES:
            assert _rows(upgraded, table) == _rows(rebuilt, table), table


def _rows(conn: sqlite3.Connection, table: str) -> list[str]:
    try:  # the search index's rows are tied to attendees by rowid
        rows = conn.execute(f"SELECT rowid, * FROM {table}").fetchall()  # noqa: S608
    except sqlite3.OperationalError:  # a table WITHOUT ROWID
        rows = conn.execute(f"SELECT * FROM {table}").fetchall()  # noqa: S608
    return sorted(map(repr, rows))


def _pages_load(url: str, made: dict[str, str]) -> None:
    desk = Client(url, made["desk"])
    status, person = desk.call("GET", "/api/v1/attendees/upg-001")
    assert status == 200 and person["checked_in"] and person["first_checkin_at"]
    job = _printed(desk, made["job"])  # queued or printed by 0.1.0: printed either way
    assert job["attendee_id"] == "upg-002" and job["error"] is None
    sessions = desk.call("GET", "/api/v1/sessions")[1]["sessions"]
    talk = next(s for s in sessions if s["session_id"] == "upg-talk")
    assert talk["room_id"] == made["room"] and talk["registered"] == 10
    staff = Client(url)
    staff.sign_in("Budi", "2222")
    for path in ("/desk", "/desk/attendees/upg-001", "/rooms", "/review", "/admin/printers"):
        status, page = staff.page(path)
        assert status == 200, (path, page[:300])
    assert "Putri" in staff.page("/desk/attendees/upg-001")[1]
    assert Client(url).page(f"/signage?token={made['signage']}")[0] == 200


def _printed(desk: Client, job_id: str) -> dict:
    for _ in range(POLLS):
        status, job = desk.call("GET", f"/api/v1/print-jobs/{job_id}")
        assert status == 200, job
        if job["status"] == "printed":
            return job
        time.sleep(0.1)
    raise AssertionError(f"the badge was never printed: {job}")


def _scans_go_on(desk: Client) -> None:
    assert desk.scan(CODES[0])["result"] == "already_checked_in"  # the 0.1.0 arrival counts
    assert desk.scan(CODES[10])["result"] == "checked_in"  # its undo counts too
    assert desk.scan(CODES[15])["result"] == "checked_in"
    found = desk.call("GET", "/api/v1/attendees?q=Upgradewalk")[1]["attendees"]
    assert [a["checked_in"] for a in found] == [True]  # the walk-in, checked in by 0.1.0
    for spelling in ("Park Subin", "Bak", "박수빈"):  # 0.1.0 knew only "bag su bin"
        found = desk.call("GET", f"/api/v1/attendees?q={urllib.parse.quote(spelling)}")[1]
        assert "upg-hangul" in [a["attendee_id"] for a in found["attendees"]], spelling


def _syncs_with_its_headoffice_before_and_after_that_upgrades(
    old: Release, today: Release, venue: Path, made: dict[str, str]
) -> None:
    """Machines upgrade one at a time: the venue first, head office later, and sync goes on
    from its cursors (nothing starts over, nothing is sent twice)."""
    ho = venue.parent.parent / "ho" / "ho.sqlite3"
    sync = ("--db", str(venue), "sync", "--token", made["sync"], "--once", "--peer")
    port = int(made["ho_port"])
    with serving(old, ho, "--db", str(ho), "headoffice", "serve", port=port) as url:  # still 0.1.0
        mixed = subprocess.run([*today.command, *sync, url], capture_output=True, text=True,
                               env=today.env, check=False)  # fmt: skip
        assert mixed.returncode == 0, mixed.stderr
        # From its cursor: only the two check-ins made since the upgrade, none of 0.1.0's again.
        assert mixed.stdout.startswith("pushed 2 new (0 already there)"), mixed.stdout
        assert "Started over" not in mixed.stderr
    with serving(
        today, ho, "--db", str(ho), "headoffice", "serve", port=port
    ) as url:  # upgraded in turn
        assert today.run(*sync, url) == "pushed 0 new (0 already there), pulled 0 new of 0\n"
    assert op_ids(ho) == op_ids(venue)  # head office holds every op, 0.1.0's among them
    with read_only(ho) as hq, read_only(venue) as here:
        query = "SELECT op_id, at FROM checkin ORDER BY op_id"
        assert hq.execute(query).fetchall() == here.execute(query).fetchall()


def _proves_its_log_to_a_headoffice_of_many_events(today: Release, venue: Path,
                                                   folder: Path) -> None:  # fmt: skip
    store = folder / "ho-many" / "events.sqlite3"
    store.parent.mkdir()
    ho = ["headoffice", "--database", str(store)]
    today.run(*ho, "init")
    today.run(*ho, "events", "add", "upgrade-conf", "--name", "Upgrade Conf")
    token = today.run(*ho, "token", "create", "--event", "upgrade-conf", "--name",
                      "upgraded venue").strip().splitlines()[-1]  # fmt: skip
    with serving(today, store, *ho, "serve") as url:
        # --final: head office proves by count and digest that it holds every op, both ways
        out = today.run("--db", str(venue), "sync", "--peer", url, "--token", token, "--final")
        assert "Proven" in out, out


def test_0_1_0_refuses_a_database_that_today_upgraded(old: Release, tmp_path: Path) -> None:
    """Going back after an upgrade must not quietly run an old Kiosk on a newer schema."""
    db = tmp_path / "kiosk.sqlite3"
    kiosks.today().run("--db", str(db), "init", "--event", "Upgrade Conf")
    done = subprocess.run([*old.command, "--db", str(db), "export", "checkins", "-"],
                          capture_output=True, text=True, env=old.env, check=False)  # fmt: skip
    assert done.returncode != 0 and "newer Kiosk" in done.stderr
    assert _schema(db)[0] == migrations()[-1][0]
