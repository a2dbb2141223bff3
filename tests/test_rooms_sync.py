"""Room changes travel by sync: made on one node, seen on another; concurrent ones flagged."""

from kiosk.db import transaction
from kiosk.replication import conflicts, fold
from kiosk.rooms import moves, schedule
from sync.client import sync_once
from sync.oplog import all_ops
from tests.conftest import seed
from tests.rooms_data import load
from tests.sync.replicas import make_replica


def _pair(tmp_path):
    ho, venue = make_replica(tmp_path, "ho"), make_replica(tmp_path, "venue")
    seed(ho.db, ho.node)
    load(ho.db, ho.node)
    sync_once(venue.local, ho.name, ho.transport())
    return ho, venue


def _move(replica, session_id, room_id, who):
    with transaction(replica.db):
        plan = moves.preview(replica.db, session_id, room_id)
        return moves.move(replica.db, replica.node, plan, who, "test", "t")


def test_a_change_on_one_node_appears_on_the_other(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    assert schedule.registered_count(venue.db, "workshop") == 4
    op_id = _move(venue, "workshop", "kenanga", "Budi")
    sync_once(venue.local, ho.name, ho.transport())
    assert schedule.session(ho.db, "workshop")["room_id"] == "kenanga"
    assert schedule.change(ho.db, op_id)["staff"] == "Budi"
    assert ho.db.execute("SELECT count(*) FROM notification").fetchone()[0] == 1
    assert schedule.version(ho.db) == schedule.version(venue.db)  # signage on both refreshes


def test_changes_made_while_apart_are_flagged_on_both(tmp_path) -> None:
    ho, venue = _pair(tmp_path)
    _move(ho, "workshop", "anggrek", "Ana")
    _move(venue, "workshop", "kenanga", "Budi")
    sync_once(venue.local, ho.name, ho.transport())
    rooms_now = {schedule.session(r.db, "workshop")["room_id"] for r in (ho, venue)}
    assert len(rooms_now) == 1  # last writer wins, the same everywhere
    for replica in (ho, venue):
        found = [f for f in conflicts.flags(replica.db) if f.kind == "concurrent_edit"]
        assert [f.entity for f in found] == ["workshop"]


def test_schedule_state_is_a_fold_of_the_ops(tmp_path) -> None:
    ho, _ = _pair(tmp_path)
    _move(ho, "workshop", "anggrek", "Ana")
    tables = ("room", "session", "registration", "room_change", "notification", "schedule_state")

    def state():
        return {t: sorted(tuple(r) for r in ho.db.execute(f"SELECT * FROM {t}")) for t in tables}  # noqa: S608

    before = state()
    with transaction(ho.db):
        fold.rebuild(ho.db, list(reversed(all_ops(ho.db))) * 2)
    assert state() == before


def test_the_review_screen_names_the_session_and_rooms(tmp_path) -> None:
    from kiosk import auth, create_app
    from tests.conftest import STAFF_PIN, sign_in

    ho, venue = _pair(tmp_path)
    _move(ho, "workshop", "anggrek", "Ana")
    _move(venue, "workshop", "kenanga", "Budi")
    sync_once(venue.local, ho.name, ho.transport())
    auth.add_staff(venue.db, "Budi", "supervisor", STAFF_PIN)
    path = venue.db.execute("PRAGMA database_list").fetchone()[2]
    client = create_app({"DATABASE": path, "TESTING": True, "SECRET_KEY": "t"}).test_client()
    sign_in(client, "Budi")
    page = client.get("/review").get_data(as_text=True)
    title = schedule.session(venue.db, "workshop")["title"]
    names = {schedule.room(venue.db, r).name for r in ("anggrek", "kenanga")}
    assert title in page and all(f"> {name} <" in page for name in names), page
