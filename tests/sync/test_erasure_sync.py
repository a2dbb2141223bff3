"""An erasure at head office reaches every venue, and no copy of an op brings the person back.

Head office runs on SQLite and on PostgreSQL (`ho_database_url`); venues are real SQLite files
that sync with it through the real protocol functions, in process.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.db import open_db, transaction
from kiosk.desk import checkin, search
from kiosk.headoffice import erasure, events, hub, importing
from kiosk.headoffice.database import Database
from kiosk.headoffice.eventlog import EventLog
from kiosk.replication import copies, peering
from kiosk.replication.node import load_node
from sync.client import sync_once
from sync.oplog import all_ops
from sync.transport import LocalTransport
from tests.conftest import DAY1_MORNING

ROSTER = (b"attendee_id,code,first_name,last_name,email,company\n"
          b"a-ana,A1,Anastasia,Lindqvist,anastasia@example.com,Acme Kopi\n"
          b"a-budi,A2,Budi,Santoso,budi@example.com,Kopi Co\n")  # fmt: skip
ANA = ("Anastasia", "Lindqvist", "anastasia@example.com", "Acme Kopi")
HO_URL = "http://ho:8000"


@pytest.fixture
def event(ho: Database) -> events.Event:
    event = events.add(ho, "jcon", "JCon", "2026-12-01", days=3)
    importing.import_attendees(ho, event, ROSTER)
    return event


ERASED_AT = datetime(2026, 12, 9, 2, 0, tzinfo=UTC)  # the request's time, as it is recorded


def _venue(tmp_path: Path, name: str) -> sqlite3.Connection:
    return open_db(tmp_path / f"{name}.sqlite3")


def _to_ho(ho: Database, event: events.Event) -> LocalTransport:
    return LocalTransport(lambda: hub.local(ho, event.event_id))


def _sync(venue: sqlite3.Connection, url: str, transport: LocalTransport, page: int = 500) -> None:
    sync_once(peering.local(venue), url, transport, page)


def _erase(ho: Database, event: events.Event, code: str = "A1") -> None:
    chosen = erasure.find(ho, event, code, None)
    erasure.erase(ho, event, chosen, "Dewi (privacy)", "request 41", ERASED_AT)


def _person(venue: sqlite3.Connection) -> tuple:
    return tuple(venue.execute("SELECT first_name, last_name, email, company FROM attendee"
                               " WHERE attendee_id = 'a-ana'").fetchone())  # fmt: skip


def _log_holds(ops: list, *texts: str) -> list[str]:
    payloads = [json.dumps(op.payload, ensure_ascii=False) for op in ops]
    return [t for t in texts if any(t in p for p in payloads)]


def _file_holds(venue: sqlite3.Connection, path: Path, *texts: str) -> list[str]:
    venue.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw = path.read_bytes() + Path(f"{path}-wal").read_bytes()
    return [t for t in texts if t.encode() in raw]


def _ho_ops(ho: Database, event: events.Event) -> list:
    return [op for _, op in EventLog(ho, event.event_id).after(0, -1)]


def test_an_erasure_at_head_office_leaves_no_trace_at_a_venue_but_its_arrival(
    tmp_path: Path, ho: Database, event: events.Event
) -> None:
    venue = _venue(tmp_path, "north")
    _sync(venue, HO_URL, _to_ho(ho, event))
    checkin.scan(venue, load_node(venue), "A1", desk="North-1", now=DAY1_MORNING)
    assert _file_holds(venue, tmp_path / "north.sqlite3", *ANA) == list(ANA)
    _erase(ho, event)
    _sync(venue, HO_URL, _to_ho(ho, event))
    assert _person(venue) == ("", "", "", "")
    assert search.find(venue, "Lindqvist") == [] and search.find(venue, "anastasia") == []
    assert [r["attendee_id"] for r in search.find(venue, "Santoso")] == ["a-budi"]
    assert _log_holds(all_ops(venue), *ANA) == [] and _log_holds(_ho_ops(ho, event), *ANA) == []
    assert _file_holds(venue, tmp_path / "north.sqlite3", *ANA) == []
    standing = venue.execute("SELECT count(*) FROM checkin WHERE attendee_id = 'a-ana'")
    assert standing.fetchone()[0] == 1  # the arrival still counts, here and at head office
    assert ho.execute("SELECT count(*) FROM arrival WHERE attendee_id = 'a-ana'").fetchone()[0] == 1
    assert peering.final(venue, HO_URL, _to_ho(ho, event)).proven


def test_an_edit_made_at_a_venue_while_apart_does_not_bring_the_name_back(
    tmp_path: Path, ho: Database, event: events.Event
) -> None:
    venue = _venue(tmp_path, "north")
    _sync(venue, HO_URL, _to_ho(ho, event))
    with transaction(venue):  # the desk corrects her name while the link is down...
        load_node(venue).record(venue, "attendee_upsert", "a-ana", {
            "fields": {"first_name": "Anastasia Maria", "note": "Lindqvist's guest"},
            "seen": {}, "staff": "Ana"})  # fmt: skip
    _erase(ho, event)  # ...and head office erases her meanwhile
    _sync(venue, HO_URL, _to_ho(ho, event))
    assert _person(venue) == ("", "", "", "")
    person = ho.execute("SELECT first_name, note, erased_at FROM attendee WHERE event_id = ?"
                        " AND attendee_id = 'a-ana'", (event.event_id,)).fetchone()  # fmt: skip
    assert (person[0], person[1]) == ("", "") and person[2]
    assert _log_holds(all_ops(venue), *ANA, "Maria") == []
    assert _log_holds(_ho_ops(ho, event), *ANA, "Maria") == []
    assert copies.count(venue) == 0  # not "recorded twice": one op, scrubbed alike
    assert peering.final(venue, HO_URL, _to_ho(ho, event)).proven


def test_a_scrubbed_copy_meeting_its_original_is_one_op_and_the_scrubbed_one_stays(
    tmp_path: Path, ho: Database, event: events.Event
) -> None:
    north, south = _venue(tmp_path, "north"), _venue(tmp_path, "south")
    for venue in (north, south):
        _sync(venue, HO_URL, _to_ho(ho, event))
    _erase(ho, event)
    _sync(north, HO_URL, _to_ho(ho, event))  # north has scrubbed her; south still has her
    # Head office is down: north meets south over the LAN, in pages of one op, so the copies
    # north scrubbed reach south before the erasure, and south's originals reach north.
    _sync(north, "http://south:5000", LocalTransport(lambda: peering.local(south)), page=1)
    for venue in (north, south):
        assert _person(venue) == ("", "", "", "")
        assert _log_holds(all_ops(venue), *ANA) == []
        assert copies.count(venue) == 0
    assert sorted(map(repr, all_ops(north))) == sorted(map(repr, all_ops(south)))
    _sync(south, HO_URL, _to_ho(ho, event))
    assert [op for op in _ho_ops(ho, event) if op.kind == "op_copy_seen"] == []
    for venue in (north, south):
        assert peering.final(venue, HO_URL, _to_ho(ho, event)).proven
