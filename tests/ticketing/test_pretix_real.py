"""Kiosk against a real pretix on 127.0.0.1: pull, cancel, push once, signed tickets offline.

The pretix is installed from PyPI (tests/support/pretix.py); nothing of it is recorded or faked.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk import attendees, checkin
from kiosk.desk.attendees import by_code
from kiosk.replication.node import load_node
from kiosk.ticketing import runner, store
from sync.client import sync_once
from tests.conftest import seed
from tests.support.processes import free_port
from tests.sync.replicas import make_replica
from tests.ticketing.conftest import connect

pytestmark = pytest.mark.e2e
KIOSK = Path(sys.executable).parent / "kiosk"
ANA = {"given": "Ana", "family": "Lima", "email": "ana@example.org", "company": "Café Ñandú"}
BUDI = {"given": "Budi", "family": "Santoso", "email": "budi@example.org"}


def kiosk(db_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run([str(KIOSK), "--db", str(db_path), *args], capture_output=True,
                          text=True, env=env, check=False)  # fmt: skip


def ops(db: sqlite3.Connection) -> int:
    return db.execute("SELECT count(*) FROM op").fetchone()[0]


def scan(db: sqlite3.Connection, code: str) -> checkin.ScanOutcome:
    return checkin.scan(db, load_node(db), code, desk="North-1", staff="Ana")


def test_pull_maps_pretix_tickets_and_a_second_pull_changes_nothing(kiosk_db, db_path, event):
    order = event.order(ANA, BUDI, shirt=True)
    connect(kiosk_db, event)
    first = kiosk(db_path, "ticketing", "pull")
    assert first.returncode == 0, first.stderr
    assert "2 added, 0 updated, 0 cancelled" in first.stdout  # the T-shirt admits nobody
    ana = by_code(kiosk_db, order["positions"][0]["secret"])
    assert (ana["first_name"], ana["last_name"], ana["email"], ana["company"], ana["ticket_type"],
            ana["status"]) == ("Ana", "Lima", "ana@example.org", "Café Ñandú", "Conference pass",
                               "valid")  # fmt: skip
    before = ops(kiosk_db)
    again = kiosk(db_path, "ticketing", "pull")
    assert "0 added, 0 updated, 0 cancelled, 0 arrivals" in again.stdout
    assert ops(kiosk_db) == before  # nothing changed in pretix: nothing written
    listing = kiosk(db_path, "ticketing").stdout
    assert "box office (pretix)" in listing and "last pull 20" in listing
    assert event.pretix.token not in listing  # the token is never printed


def test_cancel_in_pretix_is_cancelled_at_the_desk(kiosk_db, event):
    order = event.order(ANA)
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    event.cancel(order["code"])
    report = runner.pull(kiosk_db, store.get(kiosk_db, conn.name), clock.now)
    assert (report.added, report.updated, report.cancelled) == (0, 0, 1)
    assert scan(kiosk_db, order["positions"][0]["secret"]).decision.result == "cancelled"


def test_checkins_are_pushed_once_and_undo_annuls(kiosk_db, db_path, event):
    order = event.order(ANA, BUDI)
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    ana, budi = (p["secret"] for p in order["positions"])
    scan(kiosk_db, ana)
    budi_op = scan(kiosk_db, budi).checkin_op_id
    pushed = kiosk(db_path, "ticketing", "push")
    assert "2 sent, 0 refused" in pushed.stdout, pushed.stderr
    assert "0 sent" in kiosk(db_path, "ticketing", "push").stdout
    with transaction(kiosk_db):  # as if the answers had been lost: everything goes out again
        kiosk_db.execute("DELETE FROM ticketing_push")
    assert "2 sent, 0 refused" in kiosk(db_path, "ticketing", "push").stdout
    assert sorted(c["position"] for c in event.checkins()) == sorted(
        p["id"] for p in order["positions"]
    )  # the op id as nonce: still one check-in each
    checkin.undo(kiosk_db, load_node(kiosk_db), budi_op, staff="Ana")
    assert "1 sent, 0 refused" in kiosk(db_path, "ticketing", "push").stdout
    assert [c["position"] for c in event.checkins()] == [order["positions"][0]["id"]]


def test_a_gate_checkin_in_pretix_is_an_arrival_and_never_goes_back(kiosk_db, event):
    order = event.order(ANA)
    secret = order["positions"][0]["secret"]
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    event.gate_scan(secret)
    report = runner.pull(kiosk_db, store.get(kiosk_db, conn.name), clock.now)
    assert report.arrivals == 1
    outcome = scan(kiosk_db, secret)
    assert outcome.decision.result == "already_checked_in"
    assert outcome.decision.previous.desk == "pretix: Main entrance"
    assert runner.push(kiosk_db, store.get(kiosk_db, conn.name), clock.now).sent == 0
    assert runner.pull(kiosk_db, store.get(kiosk_db, conn.name), clock.now).arrivals == 0


def test_a_refusal_by_pretix_is_kept_and_shown_not_retried(kiosk_db, db_path, event):
    cancelled, used = event.order(ANA), event.order(BUDI)
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    event.cancel(cancelled["code"])  # in pretix after the pull: the desk still lets Ana in
    event.gate_scan(used["positions"][0]["secret"])  # and Budi went in at another gate
    for order in (cancelled, used):
        assert scan(kiosk_db, order["positions"][0]["secret"]).decision.result == "checked_in"
    assert "2 sent, 2 refused" in kiosk(db_path, "ticketing", "push").stdout
    assert "0 sent, 0 refused" in kiosk(db_path, "ticketing", "push").stdout
    listing = kiosk(db_path, "ticketing").stdout
    assert "check-in of Ana Lima" in listing and "revoked in pretix (cancelled" in listing
    assert "check-in of Budi Santoso" in listing and "already used in pretix" in listing


def test_a_new_signed_ticket_checks_in_while_pretix_is_unreachable(kiosk_db, event):
    event.order(BUDI)  # one signed ticket before the pull: pretix has its key then
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    late = event.order(ANA)["positions"][0]["secret"]  # bought after the last pull
    connect(kiosk_db, event, url=f"http://127.0.0.1:{free_port()}")  # pretix is gone
    with pytest.raises(runner.records.TicketingError):
        runner.pull(kiosk_db, store.get(kiosk_db, conn.name), clock.now)
    outcome = scan(kiosk_db, late)
    assert outcome.decision.result == "checked_in"
    assert outcome.attendee["ticket_type"] == "Conference pass"  # from the signed payload
    connect(kiosk_db, event)  # pretix is back: the next pull brings her name
    runner.pull(kiosk_db, store.get(kiosk_db, conn.name), clock.now)
    ana = by_code(kiosk_db, late)
    assert (ana["first_name"], ana["last_name"]) == ("Ana", "Lima")
    assert (
        kiosk_db.execute("SELECT count(*) FROM attendee WHERE code = ?", (late,)).fetchone()[0] == 1
    )
    assert runner.push(kiosk_db, store.get(kiosk_db, conn.name), clock.now).accepted == 1


def test_a_revoked_or_forged_signed_ticket_is_refused(kiosk_db, event):
    order = event.order(ANA)
    position = order["positions"][0]
    event.regenerate(position["id"])  # the old secret is on pretix's revocation list
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    old = scan(kiosk_db, position["secret"])
    assert old.decision.result == "blocked" and "revoked" in old.decision.note
    late = event.order(BUDI)["positions"][0]["secret"]
    forged = late[:10] + ("A" if late[10] != "A" else "B") + late[11:]  # one character changed
    outcome = scan(kiosk_db, forged)
    assert outcome.decision.result == "unknown_code"
    assert "signature did not verify" in outcome.decision.note


def test_a_refused_token_is_reported_in_words_and_the_desk_goes_on(kiosk_db, db_path, event):
    order = event.order(ANA)
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    connect(kiosk_db, event, token="not-a-token")
    pulled = kiosk(db_path, "ticketing", "pull")
    assert pulled.returncode == 1
    assert "no longer accepts this connection's token" in pulled.stderr
    assert "kiosk ticketing add pretix again" in pulled.stderr
    assert "no longer accepts this connection's token" in kiosk(db_path, "ticketing").stdout
    assert scan(kiosk_db, order["positions"][0]["secret"]).decision.result == "checked_in"


def test_two_venues_pulling_one_event_end_with_one_attendee_per_ticket(tmp_path, event):
    order = event.order(ANA, BUDI)
    north, south = make_replica(tmp_path, "north"), make_replica(tmp_path, "south")
    for venue in (north, south):
        seed(venue.db, venue.node)
        runner.pull(venue.db, connect(venue.db, event), clock.now)
    sync_once(south.local, north.name, north.transport())
    for venue in (north, south):
        for position in order["positions"]:
            holders = venue.db.execute("SELECT count(*) FROM attendee WHERE code_claim = ?",
                                       (position["secret"],))  # fmt: skip
            assert holders.fetchone()[0] == 1


def test_a_name_fixed_at_the_desk_stands_until_pretix_changes_it(kiosk_db, event):
    order = event.order(ANA)
    position = order["positions"][0]
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    ana = by_code(kiosk_db, position["secret"])
    with transaction(kiosk_db):
        attendees.update(kiosk_db, load_node(kiosk_db), ana["attendee_id"],
                         {"first_name": "Anna"}, staff="Ana")  # fmt: skip
    event.pretix.api("PATCH", f"{event.base}/orderpositions/{position['id']}/",
                     {"attendee_email": "ana.lima@example.org"})  # fmt: skip
    report = runner.pull(kiosk_db, store.get(kiosk_db, conn.name), clock.now)
    assert report.updated == 1
    ana = by_code(kiosk_db, position["secret"])
    assert (ana["first_name"], ana["email"]) == ("Anna", "ana.lima@example.org")
    kept = [r[0] for r in kiosk_db.execute("SELECT fields FROM ticketing_ticket")]
    assert kept and not any("Lima" in k or "example.org" in k for k in kept)  # digests only


def test_every_page_is_pulled_and_the_next_pull_asks_only_for_changes(kiosk_db, event):
    orders = [event.order({"given": "Guest", "family": str(n)}) for n in range(52)]  # 2 pages
    conn = connect(kiosk_db, event)
    assert runner.pull(kiosk_db, conn, clock.now).added == 52
    event.cancel(orders[3]["code"])
    pulled = runner.records.KINDS["pretix"](store.get(kiosk_db, conn.name).settings).pull(
        store.get(kiosk_db, conn.name).cursor
    )
    assert [t.external_id for t in pulled.tickets] == [str(orders[3]["positions"][0]["id"])]


def test_a_checkin_undone_before_it_was_sent_is_never_sent(kiosk_db, event):
    order = event.order(ANA)
    conn = connect(kiosk_db, event)
    runner.pull(kiosk_db, conn, clock.now)
    mistake = scan(kiosk_db, order["positions"][0]["secret"]).checkin_op_id
    checkin.undo(kiosk_db, load_node(kiosk_db), mistake, staff="Ana")
    pushed = runner.push(kiosk_db, store.get(kiosk_db, conn.name), clock.now)
    assert pushed.sent == 0
    assert runner.push(kiosk_db, store.get(kiosk_db, conn.name), clock.now).sent == 0
    assert event.checkins() == []
