"""A venue upgrades Kiosk mid-event: 0.1.0 stops, today's Kiosk starts on the same file.

0.1.0 is built from this repository's history (tests/upgrade/release.py) and runs on the
shared interpreter with its own tree first on the path. It makes the event as a venue does
(demo, imports, scans through its real server, a walk-in, an undo, a print, a room change);
then today's `kiosk serve` opens the file. Migrations run forward as it starts, every
check-in is still there with its op id and arrival time, the pages load, scans go on, and
today's head offices (one event's, and one of many events) take the whole log. A second
start has nothing left to migrate, and the state is what today's fold makes of the log.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from datetime import date
from pathlib import Path

import pytest

from kiosk.db import migrations
from kiosk.replication.fold import STATE_TABLES
from tests.support.processes import free_port, op_ids, read_only, stop
from tests.upgrade.release import ROOT, unpack_release

pytestmark = pytest.mark.e2e
KIOSK = str(Path(sys.executable).with_name("kiosk"))
OLD_MAIN = "import sys; from kiosk.cli import main; sys.exit(main())"  # 0.1.0's console script
CODES = [f"UPG{i:03d}" for i in range(1, 41)]
POLLS = 300  # × 0.1 s: a bound, so a broken build fails instead of hanging
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _env(pythonpath: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return env | {"PYTHONPATH": str(pythonpath)}


class Release:
    """One Kiosk's `kiosk` command: 0.1.0's from its tree, or today's from this checkout."""

    def __init__(self, command: list[str], tree: Path) -> None:
        self.command, self.env = command, _env(tree)

    def run(self, *args: str) -> str:
        done = subprocess.run([*self.command, *args], capture_output=True, text=True,
                              env=self.env, check=False)  # fmt: skip
        assert done.returncode == 0, done.stderr
        return done.stdout

    def serve(self, log: Path, *args: str) -> tuple[subprocess.Popen, str]:
        """Starts a server (`args` without --port) and waits until it answers."""
        port = free_port()
        with log.with_name(f"{log.stem}-{port}.log").open("wb") as out:
            process = subprocess.Popen([*self.command, *args, "--port", str(port)], stdout=out,
                                       stderr=subprocess.STDOUT, env=self.env)  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        for _ in range(POLLS):
            assert process.poll() is None, f"{args} exited: see {out.name}"
            try:
                urllib.request.urlopen(url + "/sync/v1/hello", timeout=2)  # noqa: S310
            except urllib.error.HTTPError:
                return process, url  # it answers, even if only to say no
            except OSError:
                time.sleep(0.1)
        raise AssertionError(f"{args} never answered on {url}")


class Client:
    """HTTP to a running Kiosk: the JSON API with a token, pages with a signed-in session."""

    def __init__(self, url: str, token: str = "") -> None:
        self.url, self.token = url, token
        jar = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self.opener = urllib.request.build_opener(jar)

    def call(self, method: str, path: str, body: object = None) -> tuple[int, dict]:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        status, text = self._send(path, data, headers, method)
        return status, json.loads(text)

    def page(self, path: str, form: dict[str, str] | None = None) -> tuple[int, str]:
        """GET a page, or POST a form with the CSRF token of the page it is on."""
        if form is None:
            return self._send(path)
        token = CSRF.search(self.page(path)[1]).group(1)
        body = urllib.parse.urlencode({**form, "csrf_token": token}).encode()
        return self._send(path, body, {}, "POST")

    def _send(self, path: str, data: bytes | None = None, headers: dict[str, str] | None = None,
              method: str = "GET") -> tuple[int, str]:  # fmt: skip
        request = urllib.request.Request(self.url + path, data, headers or {}, method=method)  # noqa: S310
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def sign_in(self, name: str, pin: str) -> None:
        status, text = self.page("/login", {"name": name, "pin": pin, "desk": "Desk Upgrade"})
        assert status == 200, text[:300]  # a wrong PIN answers 401

    def scan(self, code: str) -> dict:
        status, answer = self.call(
            "POST", "/api/v1/scan", {"code": code, "op_id": str(uuid.uuid4())}
        )
        assert status == 200, answer
        return answer


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
    process, url = old.serve(db, "--db", str(db), "serve")
    try:
        staff = _work_the_desk(url, made)
    finally:
        stop(process)
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


@pytest.fixture(scope="module")
def old(tmp_path_factory: pytest.TempPathFactory) -> Release:
    tree = unpack_release(tmp_path_factory.mktemp("kiosk-0.1.0"))
    release = Release([sys.executable, "-P", "-c", OLD_MAIN], tree)  # -P: not the cwd's kiosk
    where = subprocess.run([sys.executable, "-P", "-c", "import kiosk; print(kiosk.__file__)"],
                           capture_output=True, text=True, env=release.env, check=True)  # fmt: skip
    assert Path(where.stdout.strip()).is_relative_to(tree)  # 0.1.0's code, not today's
    return release


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

    today = Release([KIOSK], ROOT)
    process, url = today.serve(db, "--db", str(db), "serve")
    try:
        assert _schema(db)[0] == newest  # serve ran the migrations as it started
        assert op_ids(db) >= old_ops
        after = _snapshot(db)
        assert after == before  # each check-in: its op id, attendee, arrival time, desk, staff
        _pages_load(url, made)
        signed_in.url = url  # the tablet that was signed in to 0.1.0 signs in once more
        assert 'name="pin"' in signed_in.page("/desk")[1]
        _scans_go_on(Client(url, made["desk"]))
        _syncs_with_todays_headoffice(today, db, tmp_path)
        _proves_its_log_to_a_headoffice_of_many_events(today, db, tmp_path)
    finally:
        stop(process)

    schema = _schema(db)
    process, url = today.serve(
        db, "--db", str(db), "serve"
    )  # the second start of the upgraded file
    try:
        assert Client(url, made["desk"]).scan(CODES[20])["result"] == "checked_in"
    finally:
        stop(process)
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


def _syncs_with_todays_headoffice(today: Release, venue: Path, folder: Path) -> None:
    ho = folder / "ho" / "ho.sqlite3"
    ho.parent.mkdir()
    token = today.run(
        "--db", str(ho), "token", "create", "--role", "sync", "--name", "upgraded venue"
    ).strip()
    process, url = today.serve(ho, "--db", str(ho), "headoffice", "serve")
    try:
        out = today.run("--db", str(venue), "sync", "--peer", url, "--token", token, "--once")
        assert out.startswith("pushed "), out
    finally:
        stop(process)
    assert op_ids(ho) == op_ids(venue)  # head office took every op, 0.1.0's among them
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
    process, url = today.serve(store, *ho, "serve")
    try:  # --final: head office proves by count and digest that it holds every op, both ways
        out = today.run("--db", str(venue), "sync", "--peer", url, "--token", token, "--final")
        assert "Proven" in out, out
    finally:
        stop(process)


def test_0_1_0_refuses_a_database_that_today_upgraded(old: Release, tmp_path: Path) -> None:
    """Going back after an upgrade must not quietly run an old Kiosk on a newer schema."""
    db = tmp_path / "kiosk.sqlite3"
    Release([KIOSK], ROOT).run("--db", str(db), "init", "--event", "Upgrade Conf")
    done = subprocess.run([*old.command, "--db", str(db), "export", "checkins", "-"],
                          capture_output=True, text=True, env=old.env, check=False)  # fmt: skip
    assert done.returncode != 0 and "newer Kiosk" in done.stderr
    assert _schema(db)[0] == migrations()[-1][0]
