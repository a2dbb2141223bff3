"""Erasure and retention with real processes: head office on PostgreSQL, two venues.

Head office runs `kiosk headoffice --database postgresql://… serve`; the venues sync with
`kiosk sync`. One person is erased at head office while a venue, apart, edits them; after
both venues sync, no file of either venue holds the person's data, both prove with
`kiosk sync --final`, and nothing is flagged as recorded twice. An event past its retention is
purged by the serving head office's own thread at start, and its venue is refused.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

import pytest

from kiosk.db import open_db, transaction
from kiosk.desk import checkin
from kiosk.headoffice.database import Database
from kiosk.replication.node import load_node
from tests.conftest import DAY1_MORNING
from tests.e2e.test_headoffice_fleet import HeadOffice
from tests.e2e.test_sync_processes import CSV, KIOSK
from tests.support import postgres

pytestmark = pytest.mark.e2e
JOSE = ("José", "Ñúñez", "jose.nunez", "Café Ñandú", "Vegetarian")


def _run(*args: str, db: Path | None = None) -> subprocess.CompletedProcess:
    command = [KIOSK, *(("--db", str(db)) if db else ()), *args]
    return subprocess.run(command, capture_output=True, text=True, check=False, env=os.environ)


def _holding(path: Path, *texts: str) -> list[str]:
    with closing(sqlite3.connect(path)) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
    return [t for t in texts if t.encode() in raw]


def test_an_erased_person_leaves_every_venue_and_a_purged_event_syncs_no_more(
    tmp_path: Path, postgres_cluster: str, processes: list
) -> None:
    url = postgres.fresh_database(postgres_cluster, "erasure_e2e")
    assert _run("headoffice", "--database", url, "init").returncode == 0
    ho = HeadOffice(url, {}, processes)
    ho.cli("events", "add", "jcon", "--name", "JCon", "--starts", "2026-12-01", "--days", "3",
           "--timezone", "Asia/Jakarta", "--retention-days", "3000")  # fmt: skip
    ho.cli("import", "attendees", "--event", "jcon", str(CSV))
    dbs = {name: tmp_path / name / "kiosk.sqlite3" for name in ("north", "south")}
    tokens = {name: ho.cli("token", "create", "--event", "jcon", "--name", name).split()[-1]
              for name in dbs}  # fmt: skip

    def sync(name: str, mode: str = "--once") -> subprocess.CompletedProcess:
        done = _run("sync", "--peer", ho.address, "--token", tokens[name], mode, db=dbs[name])
        assert done.returncode == 0, done.stderr
        return done

    for name, path in dbs.items():
        path.parent.mkdir()
        sync(name)
    north = open_db(dbs["north"])
    checkin.scan(north, load_node(north), "KN-JOSE01", desk="North-1", now=DAY1_MORNING)
    north.close()
    south = open_db(dbs["south"])  # south, apart, adds a note to him...
    with transaction(south):
        load_node(south).record(south, "attendee_upsert", "a-jose",
                                {"fields": {"note": "Vegetarian"}, "staff": "Ana"})  # fmt: skip
    south.close()
    erased = ho.cli("erase", "--event", "jcon", "--code", "KN-JOSE01", "--by", "Dewi (privacy)")
    assert "erased" in erased  # ...while head office erases him

    for name in ("north", "south", "north"):
        sync(name)
    for name in dbs:
        final = sync(name, "--final")
        assert "Proven" in final.stdout, final.stdout + final.stderr
        assert "recorded twice, differently, at two machines: 0" in final.stdout
        assert _holding(dbs[name], *JOSE) == [], name
    with closing(sqlite3.connect(dbs["south"])) as conn:
        assert conn.execute("SELECT count(*) FROM checkin WHERE attendee_id = 'a-jose'"
                            ).fetchone()[0] == 1  # fmt: skip
    store = Database(url)
    try:
        people = store.execute("SELECT first_name, note, erased_at FROM attendee"
                               " WHERE attendee_id = 'a-jose'").fetchall()  # fmt: skip
        payloads = " ".join(r[0] for r in store.execute("SELECT payload FROM op"))
    finally:
        store.close()
    assert [(p[0], p[1]) for p in people] == [("", "")] and people[0][2]
    assert [t for t in JOSE if t in payloads] == []

    # An event long past its retention: a dry run changes nothing; the serving head office's
    # own thread purges it when it starts, and its venue is refused.
    ho.cli("events", "add", "old", "--name", "Old Conf", "--starts", "2020-03-01",
           "--retention-days", "30")  # fmt: skip
    ho.cli("import", "attendees", "--event", "old", str(CSV))
    old_token = ho.cli("token", "create", "--event", "old", "--name", "west").split()[-1]
    assert "old: would purge 11 attendees" in ho.cli("retention", "--dry-run")
    assert "old: would purge" in ho.cli("retention", "--dry-run")  # still there to purge
    ho.kill_and_start()
    west = tmp_path / "west.sqlite3"
    for _ in range(100):
        refused = _run("sync", "--peer", ho.address, "--token", old_token, "--once", db=west)
        if refused.returncode != 0:
            break
    assert "purged at head office on" in refused.stderr, refused.stderr
    assert "No event is past its retention" in ho.cli("retention", "--dry-run")
