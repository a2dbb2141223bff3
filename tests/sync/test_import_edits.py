"""Head office's import and a venue desk's edit of one field: concurrent, or a correction.

An import carries the version of each field it replaces (`seen`), like a desk edit. So an
import and a desk edit made apart from the same value are flagged for review like any two
concurrent edits, and an import that saw the desk's value wins whatever the clocks say.
"""

from __future__ import annotations

import csv
import io

import pytest

from kiosk.db import transaction
from kiosk.desk import attendees, importer
from kiosk.replication import conflicts
from sync.client import sync_once
from tests.conftest import DATA, seed
from tests.sync.replicas import Replica, make_headoffice, make_replica

HOUR_MS = 3_600_000
ROSTER = (DATA / "attendees.csv").read_text(encoding="utf-8")


@pytest.fixture(params=[0, 10 * HOUR_MS], ids=["venue on time", "venue 10 h fast"])
def pair(tmp_path, request):
    ho = make_headoffice(tmp_path)
    seed(ho.db, ho.node)
    venue = make_replica(tmp_path, "venue", skew_ms=request.param)
    _sync(ho, venue)
    yield ho, venue
    ho.db.close()
    venue.db.close()


def _sync(ho: Replica, venue: Replica) -> None:
    for _ in range(2):
        sync_once(venue.local, "http://ho", ho.transport())


def _roster(**companies: str) -> bytes:
    """The fixture roster with some attendees' company changed, as head office re-imports it."""
    rows = list(csv.DictReader(io.StringIO(ROSTER)))
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({**row, "company": companies.get(row["attendee_id"], row["company"])})
    return out.getvalue().encode()


def _edit(venue: Replica, company: str) -> None:
    with transaction(venue.db):
        attendees.update(venue.db, venue.node, "a-jose", {"company": company}, "Ana")


def test_an_import_and_a_desk_edit_made_apart_are_flagged_everywhere(pair) -> None:
    ho, venue = pair
    _edit(venue, "Desk Co")
    assert importer.import_attendees(ho.db, ho.node, _roster(**{"a-jose": "Import Co"})).updated
    _sync(ho, venue)
    for replica in (ho, venue):
        (flag,) = conflicts.flags(replica.db)
        assert (flag.kind, flag.entity, flag.detail["field"]) == ("concurrent_edit", "a-jose",
                                                                   "company")  # fmt: skip
        values = sorted(c[1] for c in conflicts.candidates(replica.db, flag))
        assert values == ["Desk Co", "Import Co"]
    (flag,) = conflicts.flags(venue.db)
    pick = next(c[0] for c in conflicts.candidates(venue.db, flag) if c[1] == "Import Co")
    with transaction(venue.db):
        conflicts.resolve(venue.db, venue.node, flag.flag_id, "choose", "Budi", "now", pick)
    _sync(ho, venue)
    for replica in (ho, venue):
        assert attendees.get(replica.db, "a-jose")["company"] == "Import Co"
        assert conflicts.flags(replica.db) == []


def test_an_import_that_saw_the_desk_edit_wins_and_raises_no_flag(pair) -> None:
    ho, venue = pair
    _edit(venue, "Desk Co")
    _sync(ho, venue)
    report = importer.import_attendees(ho.db, ho.node, _roster(**{"a-jose": "Import Co"}))
    assert report.updated == 1
    _sync(ho, venue)
    for replica in (ho, venue):
        assert attendees.get(replica.db, "a-jose")["company"] == "Import Co"
        assert conflicts.flags(replica.db) == []
    again = importer.import_attendees(ho.db, ho.node, _roster(**{"a-jose": "Import Co"}))
    assert (again.updated, again.unchanged) == (0, report.unchanged + 1)


def test_an_import_and_a_desk_edit_that_agree_raise_no_flag(pair) -> None:
    ho, venue = pair
    _edit(venue, "Same Co")
    importer.import_attendees(ho.db, ho.node, _roster(**{"a-jose": "Same Co"}))
    _sync(ho, venue)
    for replica in (ho, venue):
        assert attendees.get(replica.db, "a-jose")["company"] == "Same Co"
        assert conflicts.flags(replica.db) == []
