"""`kiosk purge` needs proof that head office holds every local op; a LAN peer is not enough."""

from __future__ import annotations

from click.testing import CliRunner

from kiosk.cli import main
from kiosk.db import open_db, transaction
from kiosk.desk import checkin
from kiosk.replication import peering
from kiosk.replication.node import load_node
from sync import peers
from sync.client import sync_once
from tests.conftest import DAY1_MORNING
from tests.sync.replicas import make_headoffice, make_replica, sync_final


def _purge(db_path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["--db", str(db_path), "purge", "--yes"])
    return result.exit_code, result.output


def _names_left(db_path) -> int:
    db = open_db(db_path)
    try:
        return db.execute("SELECT count(*) FROM attendee WHERE first_name != ''").fetchone()[0]
    finally:
        db.close()


def test_a_lan_peer_holding_every_op_does_not_let_a_venue_purge(tmp_path, db_path) -> None:
    venue = open_db(db_path)
    checkin.scan(venue, load_node(venue), "KN-JOSE01", desk="North-1", now=DAY1_MORNING)
    total = venue.execute("SELECT count(*) FROM op").fetchone()[0]
    lan = make_replica(tmp_path, "south-venue")
    ho = make_headoffice(tmp_path)
    assert sync_final(venue, "http://south:5000", lan)  # the LAN peer holds it all
    code, output = _purge(db_path)
    assert code != 0 and "head office" in output and f"{total} " in output, output
    assert _names_left(db_path)

    sync_once(peering.local(venue), "http://ho:8000", ho.transport())  # head office, not proven
    code, output = _purge(db_path)
    assert code != 0 and f"head office ho lacks {total} " in output, output
    assert sync_final(venue, "http://ho:8000", ho)
    checkin.scan(venue, load_node(venue), "KN-OBRI01", desk="North-2", now=DAY1_MORNING)
    code, output = _purge(db_path)
    assert code != 0 and "head office ho lacks 1 " in output, output  # the scan since
    assert sync_final(venue, "http://ho:8000", ho)
    with transaction(ho.db):  # head office goes on receiving, and the venue pulls that too
        ho.node.record(ho.db, "attendee_upsert", "a-late", {"fields": {"first_name": "Late"}})
    sync_once(peering.local(venue), "http://ho:8000", ho.transport())
    sync_once(peering.local(venue), "http://10.0.0.2:8000", ho.transport())  # same, other address
    code, output = _purge(db_path)
    assert code == 0, output
    assert _names_left(db_path) == 0


def test_a_head_office_restored_after_the_proof_must_prove_it_again(tmp_path, db_path) -> None:
    venue = open_db(db_path)
    ho = make_headoffice(tmp_path)
    assert sync_final(venue, "http://ho:8000", ho)
    with transaction(ho.db):
        ho.db.execute("DELETE FROM op")  # head office lost its log (restored from an old copy)
        peers.new_epoch(ho.db)
    sync_once(peering.local(venue), "http://ho:8000", ho.transport(), pull=False)
    code, output = _purge(db_path)
    assert code != 0 and "head office" in output, output
