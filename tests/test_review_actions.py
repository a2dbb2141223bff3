"""Review answers do what their buttons say: each flag is made by two real nodes syncing,
answered by a supervisor on the review screen, and the effect is checked on both nodes."""

from __future__ import annotations

import re
from pathlib import Path

from flask.testing import FlaskClient

from kiosk import auth, create_app
from kiosk.clock import FixedClock
from kiosk.db import transaction
from kiosk.desk import attendees, checkin
from kiosk.replication import conflicts
from kiosk.rooms import moves, schedule
from sync.client import sync_once
from tests.conftest import DAY1_MORNING, STAFF_PIN, csrf_from, seed, sign_in
from tests.rooms_data import AT_1005, load
from tests.sync.replicas import Replica, make_replica


def _pair(tmp_path: Path) -> tuple[Replica, Replica]:
    """Head office with the fixture event and schedule, and a venue that has pulled it."""
    ho, venue = make_replica(tmp_path, "ho"), make_replica(tmp_path, "venue")
    seed(ho.db, ho.node)
    load(ho.db, ho.node)
    sync_once(venue.local, ho.name, ho.transport())
    auth.add_staff(venue.db, "Budi", "supervisor", STAFF_PIN)
    return ho, venue


def _sync(ho: Replica, venue: Replica) -> None:
    sync_once(venue.local, ho.name, ho.transport())


def _supervisor(venue: Replica) -> FlaskClient:
    """A browser at the venue, signed in as Budi the supervisor."""
    path = venue.db.execute("PRAGMA database_list").fetchone()[2]
    app = create_app({"DATABASE": path, "TESTING": True, "SECRET_KEY": "t",
                      "CLOCK": FixedClock(AT_1005)})  # fmt: skip
    client = app.test_client()
    sign_in(client, "Budi")
    return client


def _answer(venue: Replica, kind: str, action: str, value: str | None = None) -> str:
    """Presses the action's button on the only open flag of this kind; the page after it."""
    (flag,) = [f for f in conflicts.flags(venue.db) if f.kind == kind]
    client = _supervisor(venue)
    page = client.get("/review").data
    assert f'value="{action}"'.encode() in page  # the screen offers this answer
    form = {"csrf_token": csrf_from(page), "action": action, **({"value": value} if value else {})}
    response = client.post(f"/review/{flag.flag_id}", data=form, follow_redirects=True)
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert "Resolved." in body, re.sub(r"\s+", " ", body)[-1500:]
    return body


def _standing(replica: Replica, attendee_id: str) -> list[str]:
    return [a.desk for a in attendees.arrivals(replica.db, attendee_id)]


def _scanned_at_both(ho: Replica, venue: Replica) -> None:
    """Nguyen's ticket is scanned at head office's desk and at the venue, apart, on day one."""
    for replica, desk in ((ho, "HO-1"), (venue, "North-1")):
        outcome = checkin.scan(replica.db, replica.node, "KN-NGUY01", desk=desk, now=DAY1_MORNING)
        assert outcome.decision.admitted
    _sync(ho, venue)


def test_keep_both_leaves_both_arrivals_and_closes_the_flag_everywhere(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    _scanned_at_both(ho, venue)
    _answer(venue, "double_scan", "keep_both")
    _sync(ho, venue)
    for replica in (ho, venue):
        assert sorted(_standing(replica, "a-nguyen")) == ["HO-1", "North-1"]
        assert conflicts.flags(replica.db) == []
        (done,) = conflicts.flags(replica.db, include_resolved=True)
        assert done.resolution == "keep_both"


def _cancelled_but_checked_in(ho: Replica, venue: Replica) -> None:
    """Head office cancels Wang's ticket while the venue, offline, checks her in."""
    with transaction(ho.db):
        ho.node.record(ho.db, "attendee_upsert", "a-wang", {"fields": {"status": "cancelled"},
                       "source": "import"})  # fmt: skip
    assert checkin.scan(venue.db, venue.node, "KN-WANG01", desk="North-1",
                        now=DAY1_MORNING).decision.admitted  # fmt: skip
    _sync(ho, venue)


def test_undo_checkin_takes_back_the_arrival_of_a_cancelled_ticket(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    _cancelled_but_checked_in(ho, venue)
    _answer(venue, "cancelled_checked_in", "undo_checkin")
    _sync(ho, venue)
    for replica in (ho, venue):
        assert _standing(replica, "a-wang") == []
        assert attendees.get(replica.db, "a-wang")["status"] == "cancelled"
        assert conflicts.flags(replica.db) == []


def test_reinstate_makes_the_ticket_valid_and_keeps_the_arrival(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    _cancelled_but_checked_in(ho, venue)
    _answer(venue, "cancelled_checked_in", "reinstate")
    _sync(ho, venue)
    for replica in (ho, venue):
        assert attendees.get(replica.db, "a-wang")["status"] == "valid"
        assert _standing(replica, "a-wang") == ["North-1"]
        assert conflicts.flags(replica.db) == []
    again = checkin.scan(ho.db, ho.node, "KN-WANG01", desk="HO-1", now=DAY1_MORNING)
    assert again.decision.result is checkin.Result.ALREADY_CHECKED_IN  # not "cancelled"


def _chosen_option(venue: Replica, kind: str, wanted: object) -> str:
    (flag,) = [f for f in conflicts.flags(venue.db) if f.kind == kind]
    return next(op_id for op_id, value, _, _ in conflicts.candidates(venue.db, flag)
                if value == wanted)  # fmt: skip


def test_choose_a_name_writes_that_name_on_both_nodes(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    with transaction(ho.db):
        attendees.update(ho.db, ho.node, "a-jose", {"company": "Kopi Nusantara"}, "Ana")
    with transaction(venue.db):
        attendees.update(venue.db, venue.node, "a-jose", {"company": "Kopi Toraja"}, "Budi")
    _sync(ho, venue)
    winner = attendees.get(venue.db, "a-jose")["company"]
    loser = ({"Kopi Nusantara", "Kopi Toraja"} - {winner}).pop()
    _answer(venue, "concurrent_edit", "choose", _chosen_option(venue, "concurrent_edit", loser))
    _sync(ho, venue)
    for replica in (ho, venue):
        assert attendees.get(replica.db, "a-jose")["company"] == loser
        assert conflicts.flags(replica.db) == []


def _moved_in_two_places(ho: Replica, venue: Replica) -> None:
    """Head office and the venue move the workshop to different rooms while apart."""
    for replica, room in ((ho, "anggrek"), (venue, "kenanga")):
        with transaction(replica.db):
            plan = moves.preview(replica.db, "workshop", room)
            moves.move(replica.db, replica.node, plan, "Ana", "clash", "t")
    _sync(ho, venue)


def test_choose_a_room_really_moves_the_session(tmp_path) -> None:
    """The session goes to the chosen room, the history says who moved it from where, and the
    people signed up are told the room they should go to now."""
    ho, venue = _pair(tmp_path)
    _moved_in_two_places(ho, venue)
    winner = schedule.session(venue.db, "workshop")["room_id"]
    loser = ({"anggrek", "kenanga"} - {winner}).pop()
    page = _answer(venue, "concurrent_edit", "choose",
                   _chosen_option(venue, "concurrent_edit", loser))  # fmt: skip
    assert "Nothing to review." in page
    _sync(ho, venue)
    for replica in (ho, venue):
        assert schedule.session(replica.db, "workshop")["room_id"] == loser
        assert conflicts.flags(replica.db) == []
        latest = schedule.changes(replica.db, "workshop")[0]
        assert (latest["from_room"], latest["to_room"], latest["staff"]) == (winner, loser, "Budi")
        told = replica.db.execute("SELECT recipients FROM notification WHERE change_op_id = ?",
                                  (latest["op_id"],)).fetchone()  # fmt: skip
        assert told[0] == schedule.registered_count(replica.db, "workshop") > 0


def test_choose_the_room_it_is_in_keeps_it_there_without_another_change(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    _moved_in_two_places(ho, venue)
    winner = schedule.session(venue.db, "workshop")["room_id"]
    changes = len(schedule.changes(venue.db, "workshop"))
    _answer(venue, "concurrent_edit", "choose", _chosen_option(venue, "concurrent_edit", winner))
    _sync(ho, venue)
    for replica in (ho, venue):
        assert schedule.session(replica.db, "workshop")["room_id"] == winner
        assert len(schedule.changes(replica.db, "workshop")) == changes  # nobody told twice
        assert conflicts.flags(replica.db) == []


def test_review_speaks_indonesian(tmp_path) -> None:
    """The flags' titles, not just the buttons, follow the chosen language."""
    ho, venue = _pair(tmp_path)
    _scanned_at_both(ho, venue)
    client = _supervisor(venue)
    csrf = csrf_from(client.get("/review").data)
    client.post("/lang", data={"lang": "id", "next": "/review", "csrf_token": csrf})
    page = client.get("/review").get_data(as_text=True)
    assert "Dipindai di dua tempat pada hari yang sama" in page
    assert "Scanned at two places" not in page


def test_an_answered_flag_says_what_was_decided_in_words(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    _scanned_at_both(ho, venue)
    _answer(venue, "double_scan", "keep_both")
    client = _supervisor(venue)
    page = client.get("/review?all=1").get_data(as_text=True)
    assert "answered: both scans kept" in page and "keep_both" not in page
    csrf = csrf_from(client.get("/review").data)
    client.post("/lang", data={"lang": "id", "next": "/review", "csrf_token": csrf})
    assert "kedua pindaian dipertahankan" in client.get("/review?all=1").get_data(as_text=True)
