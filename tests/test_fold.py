"""State is a fold of the op set: rebuilt from the log, in any order, with duplicates."""

import random
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from kiosk.db import open_db, transaction
from kiosk.desk import attendees, checkin
from kiosk.replication import fold
from kiosk.replication.node import load_node
from sync.oplog import all_ops

COMPARED = {
    "event": "SELECT name, starts_on, days, timezone, versions FROM event",
    "ticket_type": "SELECT * FROM ticket_type ORDER BY name",
    "attendee": "SELECT attendee_id, code, first_name, last_name, email, company, ticket_type,"
    " status, note, block_note, source, versions FROM attendee ORDER BY attendee_id",
    "checkin": "SELECT * FROM checkin ORDER BY op_id",
    "checkin_undo": "SELECT * FROM checkin_undo ORDER BY op_id",
    "search_word": "SELECT w.word, a.attendee_id FROM search_word w JOIN attendee a ON a.id = w.id"
    " ORDER BY 1, 2",
    "search_typo": "SELECT key, word FROM search_typo ORDER BY 1, 2",
}


def state(db: sqlite3.Connection) -> dict[str, list[tuple]]:
    """Everything a screen or report reads, row by row."""
    found = {name: [tuple(r) for r in db.execute(sql)] for name, sql in COMPARED.items()}
    found["search"] = sorted(
        (r[0], r[1]) for r in db.execute(
            "SELECT a.attendee_id, f.name || '|' || f.email || '|' || f.company || '|' || f.code"
            " FROM attendee_fts f JOIN attendee a ON a.id = f.rowid"
        )
    )  # fmt: skip
    return found


def busy_day(db: sqlite3.Connection) -> None:
    """Scans, a refusal, an undo, an edit, a walk-in: every kind of change the desk makes."""
    node = load_node(db)
    now = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
    for code in ("KN-JOSE01", "KN-NGUY01", "KN-WANG01", "KN-CANC01", "KN-JOSE01"):
        checkin.scan(db, node, code, desk="North-1", staff="Ana", now=now)
    undone = checkin.scan(db, node, "KN-OBRI01", desk="South-1", now=now)
    checkin.undo(db, node, undone.checkin_op_id, staff="Budi", reason="wrong person")
    with transaction(db):
        attendees.update(db, node, "a-nguyen", {"company": "Đại học Quốc gia"})
        attendees.create_walkin(db, node, {"first_name": "Walk", "last_name": "In"}, "Attendee")


def test_rebuild_from_ops_gives_the_same_state(db: sqlite3.Connection) -> None:
    busy_day(db)
    before = state(db)
    with transaction(db):
        fold.rebuild(db, all_ops(db))
    assert state(db) == before
    assert before["checkin"] and before["checkin_undo"]  # the day really did something


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_any_order_and_duplicates_give_the_same_state(tmp_path_factory, seed: int) -> None:
    from tests.conftest import seed as load_fixture

    path = tmp_path_factory.mktemp("fold") / "k.sqlite3"
    db = open_db(path)
    load_fixture(db, load_node(db))
    busy_day(db)
    ops = all_ops(db)
    expected = state(db)
    rng = random.Random(seed)
    shuffled = ops + rng.sample(ops, k=len(ops) // 3)  # some ops arrive twice
    rng.shuffle(shuffled)
    with transaction(db):
        fold.rebuild(db, shuffled)
    assert state(db) == expected
    db.close()


def test_a_correction_beats_a_value_stamped_by_a_fast_clock(tmp_path) -> None:
    """A venue whose clock runs three hours fast sets a company; a venue with a right clock
    receives it and corrects it. The correction must win everywhere, though its wall clock is
    earlier: it replaced the value it saw (its clock does not adopt a stamp that far ahead)."""
    from kiosk.replication.node import Node
    from sync.hlc import Clock, wall_ms
    from sync.oplog import insert

    fast_db, right_db = open_db(tmp_path / "fast.sqlite3"), open_db(tmp_path / "right.sqlite3")
    fast = Node("fast", Clock("fast", lambda: wall_ms() + 3 * 3600 * 1000))
    right = Node("right", Clock("right"))
    with transaction(fast_db):
        fast.record(fast_db, "attendee_upsert", "p-1", {"fields": {
            "code": "Q-1", "first_name": "Ana", "company": "Wrong Co"}})  # fmt: skip

    def ship(src: sqlite3.Connection, dst: sqlite3.Connection) -> None:
        with transaction(dst):
            for op in all_ops(src):
                if insert(dst, op) is not None:
                    fold.apply(dst, op)

    ship(fast_db, right_db)
    with transaction(right_db):
        attendees.update(right_db, right, "p-1", {"company": "Right Co"})
    ship(right_db, fast_db)
    for db in (fast_db, right_db):
        assert attendees.get(db, "p-1")["company"] == "Right Co"
    # the right venue's clock was not dragged three hours ahead for its other work
    assert int(str(right.clock.tick()).split("-")[0]) < wall_ms() + 60_000


def test_a_process_that_imports_only_replication_still_folds_rooms_and_search(tmp_path) -> None:
    """The rooms' and the desk's fold rules register themselves; no entry point can miss them."""
    script = (
        "import sys\n"
        "from kiosk.db import open_db, transaction\n"
        "from kiosk.replication.node import load_node\n"
        "db = open_db(sys.argv[1]); node = load_node(db)\n"
        "with transaction(db):\n"
        "    node.record(db, 'room_set', 'room-1', {'fields': {'name': 'Melati'}})\n"
        "    node.record(db, 'attendee_upsert', 'a-sari', {'fields': {'first_name': 'Sari',"
        " 'last_name': 'Dewi', 'code': 'KN-SARI01'}})\n"
        "print(db.execute('SELECT name FROM room').fetchone()[0],"
        " db.execute('SELECT count(*) FROM search_word').fetchone()[0] > 0)\n"
    )
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path / "v.db")],
                          capture_output=True, text=True, check=True)  # fmt: skip
    assert done.stdout.split() == ["Melati", "True"]
