"""Leads travel by sync: two machines of one booth, apart, end with the same lead."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.db import transaction
from kiosk.leads import capture, sponsors
from kiosk.replication import fold
from sync.client import sync_once
from sync.oplog import all_ops
from tests.conftest import seed
from tests.sync.replicas import make_replica

AT = datetime(2026, 12, 1, 3, 0, tzinfo=UTC)
TABLES = ("sponsor", "lead", "lead_visit")


def _state(db) -> dict[str, list]:
    return {t: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {t}")) for t in TABLES}  # noqa: S608


def test_two_booth_machines_apart_end_with_one_lead_and_every_visit(tmp_path) -> None:
    ho, north, south = (make_replica(tmp_path, n) for n in ("ho", "north", "south"))
    seed(ho.db, ho.node)
    sponsor = sponsors.save(ho.db, ho.node, "Acme Cloud", "Cloud", ["Budget?"])
    for venue in (north, south):
        sync_once(venue.local, ho.name, ho.transport())
    capture.capture(north.db, north.node, sponsor.sponsor_id, "KN-JOSE01", "north phone", AT,
                    {"note": "met at the booth", "rating": 2})  # fmt: skip
    capture.capture(south.db, south.node, sponsor.sponsor_id, "KN-JOSE01", "south phone", AT,
                    {"rating": 5})  # fmt: skip
    for venue in (north, south, north):
        sync_once(venue.local, ho.name, ho.transport())
    states = [_state(r.db) for r in (ho, north, south)]
    assert states[0] == states[1] == states[2]
    (lead,) = capture.for_sponsor(ho.db, sponsor.sponsor_id)
    assert lead.visits == 2 and lead.note == "met at the booth" and lead.rating in (2, 5)


def test_leads_are_a_fold_of_their_ops_in_any_order(tmp_path) -> None:
    ho = make_replica(tmp_path, "ho")
    seed(ho.db, ho.node)
    sponsor = sponsors.save(ho.db, ho.node, "Acme Cloud", "Cloud", ["Budget?"])
    for code, note in (("KN-JOSE01", "a"), ("KN-OBRI01", "b"), ("KN-JOSE01", "c")):
        capture.capture(ho.db, ho.node, sponsor.sponsor_id, code, "phone", AT, {"note": note})
    sponsors.save(ho.db, ho.node, "Acme Cloud", "AI")
    before = _state(ho.db)
    with transaction(ho.db):
        fold.rebuild(ho.db, list(reversed(all_ops(ho.db))) * 2)
    assert _state(ho.db) == before
    assert sponsors.get(ho.db, "acme-cloud").track == "AI"
