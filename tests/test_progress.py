"""Long CLI work draws a progress bar where a person watches, and only there.

The real `kiosk` runs with its stderr on a pseudo-terminal, as at a venue machine's console,
or on a pipe, as under a script; stdout is a pipe both times and must read the same.
"""

from __future__ import annotations

import os
import pty
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

from kiosk import backup
from kiosk.db import open_db
from kiosk.desk import checkin
from kiosk.replication.node import load_node
from tests.support.processes import free_port, stop

KIOSK = str(Path(sys.executable).with_name("kiosk"))
ROWS = 5000  # a few of the importer's and the pull's steps: the bar moves more than once
BAR = "[#"  # click's bar, filled at least one step


@dataclass(frozen=True)
class Run:
    """What one `kiosk` command wrote, and how it ended."""

    stdout: str
    stderr: str
    code: int


def kiosk(db: Path, *args: str, terminal: bool) -> Run:
    """Runs the real command; `terminal`: its stderr is a pseudo-terminal, else a pipe."""
    command = [KIOSK, "--db", str(db), *args]
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    if not terminal:
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        return Run(done.stdout, done.stderr, done.returncode)
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=follower,
                               stdin=subprocess.DEVNULL, env=env)  # fmt: skip
    os.close(follower)  # the child holds it: reading ends when the child closes it
    chunks: list[bytes] = []
    reader = threading.Thread(target=_drain, args=(leader, chunks))
    reader.start()
    stdout = process.communicate()[0].decode()
    reader.join()
    os.close(leader)
    return Run(stdout, b"".join(chunks).decode(errors="replace"), process.returncode)


def _drain(fd: int, into: list[bytes]) -> None:
    while True:
        try:
            data = os.read(fd, 65536)
        except OSError:  # EIO: the other end is closed
            return
        if not data:
            return
        into.append(data)


def roster(path: Path, rows: int = ROWS) -> Path:
    lines = ["code,first_name,last_name,email,company"]
    lines += [f"P{i:06d},Putri{i},Wijaya,p{i}@example.org,Firma {i % 40}" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def venue(tmp_path: Path) -> Path:
    db = tmp_path / "venue.sqlite3"
    assert kiosk(db, "init", "--event", "Progress Conf", terminal=False).code == 0
    return db


def test_import_on_a_terminal_draws_a_bar_and_says_how_long_it_took(venue, tmp_path) -> None:
    run = kiosk(venue, "import", "attendees", str(roster(tmp_path / "a.csv")), terminal=True)
    assert run.code == 0, run.stderr
    assert "Reading rows" in run.stderr and "Importing attendees" in run.stderr
    assert BAR in run.stderr and f"{ROWS}/{ROWS}" in run.stderr
    assert f"Imported {ROWS:,} attendees ({ROWS:,} new, 0 updated) in " in run.stderr
    assert run.stdout == f"{ROWS} added, 0 updated, 0 unchanged\n"  # what scripts read


def test_import_under_a_script_prints_what_it_always_did_and_no_bar(venue, tmp_path) -> None:
    data = roster(tmp_path / "a.csv")
    kiosk(venue, "import", "attendees", str(data), terminal=False)
    changed = data.read_text(encoding="utf-8").replace("Putri7,", "Putri Ayu,")
    (tmp_path / "b.csv").write_text(changed, encoding="utf-8")
    run = kiosk(venue, "import", "attendees", str(tmp_path / "b.csv"), terminal=False)
    assert run.stdout == f"0 added, 1 updated, {ROWS - 1} unchanged\n"
    # Only the summary and the activity log's line: no label, no bar, no cursor codes.
    lines = run.stderr.splitlines()
    assert lines[-1] == f"Imported {ROWS:,} attendees (0 new, 1 updated) in {_took(run)}"
    assert [line for line in lines[:-1] if " INFO kiosk.import " not in line] == []
    assert "\r" not in run.stderr and "\x1b" not in run.stderr


def _took(run: Run) -> str:
    return run.stderr.rsplit(" in ", 1)[1].strip()


def test_backup_and_restore_on_a_terminal_show_pages_copied(venue, tmp_path) -> None:
    kiosk(venue, "import", "attendees", str(roster(tmp_path / "a.csv")), terminal=False)
    saved = tmp_path / "usb" / "backup.sqlite3"
    run = kiosk(venue, "backup", str(saved), terminal=True)
    assert run.code == 0, run.stderr
    assert "Copying pages" in run.stderr and BAR in run.stderr
    assert "Copied " in run.stderr and run.stdout.startswith("Backup written: ")
    run = kiosk(venue, "restore", str(saved), terminal=True)
    assert run.code == 0, run.stderr
    assert "Keeping the current database" in run.stderr and "Restoring pages" in run.stderr
    assert run.stdout.startswith("Restored: ")
    quiet = kiosk(venue, "backup", str(saved), "--force", terminal=False)
    assert "Copying pages" not in quiet.stderr and BAR not in quiet.stderr
    assert quiet.stderr.startswith("Copied ")


def test_a_backup_in_steps_is_one_state_while_scans_commit(venue, tmp_path) -> None:
    kiosk(venue, "import", "attendees", str(roster(tmp_path / "a.csv")), terminal=False)
    steps: list[tuple[int, int]] = []
    stop_scans = threading.Event()

    def scanner() -> None:  # another connection commits between the copy's steps
        db = open_db(venue)
        node, n = load_node(db), 0
        while not stop_scans.is_set() and n < ROWS:
            checkin.scan(db, node, f"P{n:06d}")
            n += 1
        db.close()

    def told(step: str, done: int, total: int) -> None:
        steps.append((done, total))
        time.sleep(0.01)  # give the scanner room to commit mid-copy

    worker = threading.Thread(target=scanner)
    worker.start()
    try:
        info = backup.backup(venue, tmp_path / "copy.sqlite3", progress=told)
    finally:
        stop_scans.set()
        worker.join()
    assert len(steps) > 2 and steps[-1][0] == steps[-1][1]  # several steps, then all pages
    copy = sqlite3.connect(info.path)
    try:
        ops = copy.execute("SELECT count(*) FROM op WHERE kind = 'checkin'").fetchone()[0]
        assert ops == copy.execute("SELECT count(*) FROM checkin").fetchone()[0]
    finally:
        copy.close()


@pytest.mark.e2e
def test_a_first_sync_on_a_terminal_shows_the_pull(tmp_path) -> None:
    ho = tmp_path / "ho.sqlite3"
    kiosk(ho, "init", "--event", "Progress Conf", terminal=False)
    kiosk(ho, "import", "attendees", str(roster(tmp_path / "a.csv")), terminal=False)
    token = kiosk(ho, "token", "create", "--role", "sync", "--name", "north",
                  terminal=False).stdout.strip()  # fmt: skip
    port = free_port()
    server = subprocess.Popen([KIOSK, "--db", str(ho), "headoffice", "serve", "--port",
                               str(port)], stderr=subprocess.DEVNULL)  # fmt: skip
    try:
        _wait_for(f"http://127.0.0.1:{port}/", server)
        url = f"http://127.0.0.1:{port}"
        run = kiosk(tmp_path / "north.sqlite3", "sync", "--peer", url, "--token", token, "--once",
                    terminal=True)  # fmt: skip
        assert run.code == 0, run.stderr
        assert "Pulling operations" in run.stderr and BAR in run.stderr
        assert f"Pulled {ROWS + 1:,} operations ({ROWS + 1:,} new) from {url} in " in run.stderr
        again = kiosk(tmp_path / "north.sqlite3", "sync", "--peer", url, "--token", token,
                      "--once", terminal=False)  # fmt: skip
        assert again.stdout == "pushed 0 new (0 already there), pulled 0 new of 0\n"
        assert "Pulling" not in again.stderr and BAR not in again.stderr
    finally:
        stop(server)


def _wait_for(url: str, process: subprocess.Popen) -> None:
    for _ in range(300):  # a bound, so a server that never answers fails the test
        assert process.poll() is None, "head office exited"
        try:
            urllib.request.urlopen(url, timeout=1)  # noqa: S310 (http to ourselves)
            return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise AssertionError("head office never answered")


def test_an_import_written_in_parts_is_still_all_or_nothing(venue, tmp_path) -> None:
    """The bar needs the rows written a part at a time, inside one transaction: a refusal in
    the last part leaves nothing of the parts before it."""
    kiosk(venue, "import", "attendees", str(roster(tmp_path / "a.csv", 3)), terminal=False)
    lines = ["attendee_id,code,name"] + [f"n{i},N{i:06d},Nadia {i}" for i in range(ROWS)]
    lines.append("n-last,P000001,Someone Else")  # the code of an attendee already here
    (tmp_path / "b.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    run = kiosk(venue, "import", "attendees", str(tmp_path / "b.csv"), terminal=True)
    assert run.code != 0 and "already belongs to another attendee" in run.stderr
    assert "Nothing was imported" in run.stderr
    db = sqlite3.connect(venue)
    try:
        assert db.execute("SELECT count(*) FROM attendee").fetchone()[0] == 3
    finally:
        db.close()
