"""A power cut at the desk: `kiosk serve` under a burst of scans is killed with SIGKILL.

Eight clients scan at once, each scan with its own op_id, while an import of a big file, badge
printing or a sync with a real head-office process may be running. After a seeded number of
acknowledged check-ins everything is killed at once, as a power cut does. After a restart, every
check-in that got a 200 `checked_in` is there exactly once, the file passes integrity_check,
the import is all or nothing, and (for sync) head office gets every acknowledged check-in.
`make test` runs a few instants; `make soak` many more.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.e2e.conftest import KIOSK, free_port, wait_until_up
from tests.support.processes import op_ids

pytestmark = pytest.mark.e2e
CLIENTS = 8
IMPORTED = 10_000  # rows in the big file: its import overlaps the burst
POLLS = 600  # × 0.1 s looks for head office to catch up: a bound, never a time limit
SHORT = [("scans", 1), ("scans", 2), ("import", 3), ("print", 4), ("sync", 5)]
SOAK = [(kind, seed) for kind in ("scans", "import", "print", "sync") for seed in range(10, 20)]


def kiosk(db: Path, *args: str) -> str:
    done = subprocess.run([KIOSK, "--db", str(db), *args], capture_output=True, text=True,
                          check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


class Site:
    """A venue database, its server process, and whatever else the power cut will hit."""

    def __init__(self, folder: Path, kind: str) -> None:
        self.folder, self.kind = folder, kind
        self.db = folder / "venue.sqlite3"
        out = kiosk(self.db, "demo", "--attendees", "300", "--seed", "3")
        self.token = re.search(r"API token \(role desk\): (\S+)", out).group(1)
        self.desk = "Desk North-1" if kind == "print" else "Desk Power"  # North-1 auto-prints
        self.env = dict(os.environ)
        self.processes: list[subprocess.Popen] = []
        self.elsewhere: list[subprocess.Popen] = []  # head office: another machine, still up
        self.logs = 0
        self.server: subprocess.Popen | None = None
        self.url = ""

    def spawn(self, *command: str, env: dict | None = None, venue: bool = True):
        """Starts a process; one of the venue machine's unless `venue` is False."""
        self.logs += 1
        log = (self.folder / f"{self.logs}.log").open("wb")
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        log.close()
        (self.processes if venue else self.elsewhere).append(process)
        return process

    def serve(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        self.server = self.spawn(KIOSK, "--db", str(self.db), "serve", "--port", str(port),
                                 env=self.env)  # fmt: skip
        wait_until_up(self.url, self.server, self.folder / f"{self.logs}.log")

    def power_cut(self) -> None:
        """Every process of the site dies at the same instant, as the machine does."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGKILL)
        for process in self.processes:
            process.wait()

    def scan(self, code: str) -> tuple[str, dict] | None:
        """(op id, answer) of one scan on a fresh connection; None if the server is gone."""
        op_id = str(uuid.uuid4())
        body = json.dumps({"code": code, "desk": self.desk, "op_id": op_id}).encode()
        headers = {"Authorization": f"Bearer {self.token}", "Content-Type": "application/json"}
        req = urllib.request.Request(self.url + "/api/v1/scan", body, headers)  # noqa: S310
        try:
            with urllib.request.urlopen(req, timeout=60) as answer:  # noqa: S310
                return op_id, json.loads(answer.read())
        except urllib.error.HTTPError as err:
            with err:
                assert err.code == 503, err.read()  # a wait too long: cannot save, never a 500
                return op_id, {}
        except (OSError, http.client.HTTPException):  # the answer was cut: not acknowledged
            return None


def big_csv(path: Path) -> Path:
    lines = ["code,first_name,last_name,email,company,ticket_type"]
    lines += [f"PWR-{i:06d},Pat{i},Cut,pat{i}@power.example,Grid Ltd,Attendee"
              for i in range(IMPORTED)]  # fmt: skip
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def head_office(site: Site) -> tuple[Path, str]:
    """A head-office process the venue's background loop syncs with; (its db, its URL)."""
    ho_db = site.folder / "ho.sqlite3"
    kiosk(ho_db, "init", "--event", "Power Conf")
    token = kiosk(ho_db, "token", "create", "--role", "sync", "--name", "venue").strip()
    port = free_port()
    ho = site.spawn(KIOSK, "--db", str(ho_db), "headoffice", "serve", "--port", str(port),
                    venue=False)  # fmt: skip
    wait_until_up(f"http://127.0.0.1:{port}", ho, site.folder / f"{site.logs}.log")
    site.env.update(KIOSK_SYNC_PEER=f"http://127.0.0.1:{port}", KIOSK_SYNC_TOKEN=token,
                    KIOSK_SYNC_INTERVAL="1")  # fmt: skip
    return ho_db, f"http://127.0.0.1:{port}"


@pytest.fixture
def make_site(tmp_path: Path) -> Iterator:
    sites: list[Site] = []

    def make(kind: str) -> Site:
        sites.append(Site(tmp_path, kind))
        return sites[-1]

    yield make
    for site in sites:
        site.processes += site.elsewhere
        site.power_cut()


def codes_of(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return [r[0] for r in conn.execute("SELECT code FROM attendee WHERE code NOT LIKE 'PWR-%'")]
    finally:
        conn.close()


def burst(site: Site, rng: random.Random, cut_after: int) -> dict[str, dict]:
    """Eight clients scan until `cut_after` check-ins are acknowledged, then the power goes."""
    codes, acked, lock = codes_of(site.db), {}, threading.Lock()
    plans = [random.Random(rng.random()) for _ in range(CLIENTS)]
    enough = threading.Event()

    def client(plan: random.Random) -> None:
        while (done := site.scan(plan.choice(codes))) is not None:
            op_id, answer = done
            with lock:
                if answer.get("result") == "checked_in":
                    acked[op_id] = answer
                if len(acked) >= cut_after:
                    enough.set()

    threads = [threading.Thread(target=client, args=(p,)) for p in plans]
    for thread in threads:
        thread.start()
    enough.wait(timeout=600)  # the bound of a broken build; the cut comes far sooner
    site.power_cut()
    for thread in threads:
        thread.join()
    with lock:
        return dict(acked)


def run_power_cut(make_site, kind: str, seed: int) -> None:
    rng = random.Random(seed)
    site = make_site(kind)
    ho_db = head_office(site)[0] if kind == "sync" else None
    site.serve()
    if kind == "import":
        site.spawn(KIOSK, "--db", str(site.db), "import", "attendees",
                   str(big_csv(site.folder / "big.csv")))  # fmt: skip
    acked = burst(site, rng, cut_after=rng.randint(5, 40))
    site.processes.clear()
    site.serve()  # after the power comes back
    assert site.scan(codes_of(site.db)[0]) is not None  # it serves again
    if ho_db is not None:
        wait_for(lambda: set(acked) <= op_ids(ho_db), "head office holds every acknowledged scan")
    site.power_cut()
    check_database(site.db, acked)


@pytest.mark.parametrize(("kind", "seed"), SHORT)
def test_power_cut(make_site, kind: str, seed: int) -> None:
    run_power_cut(make_site, kind, seed)


@pytest.mark.soak
@pytest.mark.parametrize(("kind", "seed"), SOAK)
def test_power_cut_soak(make_site, kind: str, seed: int) -> None:
    run_power_cut(make_site, kind, seed)


def wait_for(predicate, what: str) -> None:
    for _ in range(POLLS):
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"never happened: {what}")


def check_database(db: Path, acked: dict[str, dict]) -> None:
    """Each acknowledged check-in once in op and checkin; one arrival a day; a whole import."""
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        for table in ("op", "checkin"):
            found = [r[0] for r in conn.execute(f"SELECT op_id FROM {table}")]  # noqa: S608
            assert len(found) == len(set(found)), f"an op twice in {table}"
            assert set(acked) <= set(found), f"acknowledged check-ins missing from {table}"
        doubled = conn.execute("SELECT attendee_id, day FROM checkin c WHERE NOT EXISTS"
                               " (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)"
                               " GROUP BY 1, 2 HAVING count(*) > 1").fetchall()  # fmt: skip
        assert doubled == []
        imported = conn.execute("SELECT count(*) FROM attendee WHERE code LIKE 'PWR-%'")
        assert imported.fetchone()[0] in (0, IMPORTED)  # all or nothing
        jobs = {r[0] for r in conn.execute("SELECT job_id FROM print_job")}
        assert {a["print_job_id"] for a in acked.values() if a["print_job_id"]} <= jobs
    finally:
        conn.close()
