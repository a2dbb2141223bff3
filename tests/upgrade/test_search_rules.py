"""After an upgrade, staff find people by the spellings today's Kiosk knows.

0.1.0 indexed 박수빈 as "bag su bin" only; today's folding also writes Park, Pak, Bak and
Subin. Its rows are imitated here exactly as 0.1.0 wrote them (the end-to-end upgrade test
runs 0.1.0 itself).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from kiosk.db import open_db, transaction
from kiosk.desk import importer, reindex, search
from kiosk.replication import peering
from kiosk.replication.node import get_setting, load_node

KIOSK = str(Path(sys.executable).with_name("kiosk"))
ROSTER = "attendee_id,code,first_name,last_name\nsubin,KR-1,박수빈,\nsean,IE-1,Seán,O'Brien\n"


def _found(db, query: str) -> list[str]:
    return [row["attendee_id"] for row in search.find(db, query)]


def _as_0_1_0_indexed_it(db) -> None:
    rowid = db.execute("SELECT id FROM attendee WHERE attendee_id = 'subin'").fetchone()[0]
    with transaction(db):
        db.execute("UPDATE attendee_fts SET name = 'bag su bin' WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM search_word WHERE id = ?", (rowid,))
        db.executemany("INSERT INTO search_word (word, id) VALUES (?, ?)",
                       [("bag", rowid), ("su", rowid), ("bin", rowid)])  # fmt: skip
        db.execute("DELETE FROM setting WHERE key = ?", (reindex.SETTING,))


def test_an_index_written_under_older_rules_is_rewritten_once(tmp_path: Path) -> None:
    db = open_db(tmp_path / "kiosk.sqlite3")
    importer.import_attendees(db, load_node(db), ROSTER.encode())
    _as_0_1_0_indexed_it(db)
    assert _found(db, "Park") == []  # what an upgraded venue saw before
    with transaction(db):
        assert reindex.refresh(db) == 2
    assert _found(db, "Park") == ["subin"] and _found(db, "Subin") == ["subin"]
    assert _found(db, "obrien") == ["sean"]
    with transaction(db):
        assert reindex.refresh(db) == 0  # the next start has nothing to do
    db.close()


def test_a_purged_database_is_not_indexed_again(tmp_path: Path) -> None:
    db = open_db(tmp_path / "kiosk.sqlite3")
    importer.import_attendees(db, load_node(db), ROSTER.encode())
    with transaction(db):
        peering.purge_personal_data(db, ("first_name", "last_name", "email", "company"))
        db.execute("DELETE FROM setting WHERE key = ?", (reindex.SETTING,))
        reindex.refresh(db)
    assert db.execute("SELECT count(*) FROM attendee_fts").fetchone()[0] == 0
    assert _found(db, "KR") == []  # (the whole code still finds the ticket at a scan)
    db.close()


def test_a_new_database_is_indexed_under_todays_rules_from_the_start(tmp_path: Path) -> None:
    """So the first `kiosk serve` after `kiosk import` does not rewrite 100,000 rows."""
    path, roster = tmp_path / "kiosk.sqlite3", tmp_path / "people.csv"
    roster.write_text(ROSTER, encoding="utf-8")
    subprocess.run([KIOSK, "--db", str(path), "import", str(roster)], check=True,
                   capture_output=True)  # fmt: skip
    db = open_db(path)
    assert get_setting(db, reindex.SETTING) == reindex.fingerprint()
    assert not reindex.stale(db)
    db.close()
