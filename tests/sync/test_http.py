"""/sync/v1 and the review screen through Flask: tokens, binding, gzip, CSRF, CLI guards."""

from __future__ import annotations

import gzip
import json

from click.testing import CliRunner

from kiosk.cli import main
from kiosk.db import open_db
from kiosk.desk import checkin
from kiosk.replication import conflicts
from kiosk.replication.node import load_node
from sync.hlc import Clock
from sync.oplog import new_op
from tests.conftest import DAY1_MORNING, csrf_from, sign_in


def _hello(client, headers, node):
    return client.post("/sync/v1/hello", json={"node_id": node}, headers=headers)


def test_a_sync_token_is_bound_to_the_first_node_it_speaks_for(client, make_token) -> None:
    headers = make_token("sync", "north venue")
    assert _hello(client, headers, "north").status_code == 200
    assert _hello(client, headers, "south").status_code == 403
    op = new_op(Clock("south"), "checkin", "a-jose", {}).to_dict()
    response = client.post("/sync/v1/push", json={"node_id": "south", "ops": [op]}, headers=headers)
    assert response.status_code == 403 and response.json["error"] == "wrong_node"


def test_only_sync_tokens_may_sync(client, make_token) -> None:
    assert _hello(client, {}, "north").status_code == 401
    assert _hello(client, make_token("desk"), "north").status_code == 403


def test_gzip_push_and_gzip_pull(client, make_token) -> None:
    headers = make_token("sync")
    ops = [new_op(Clock("north"), "checkin", "a-jose", {"day": "2026-12-01"}).to_dict()
           for _ in range(20)]  # fmt: skip
    body = gzip.compress(json.dumps({"node_id": "north", "ops": ops}).encode())
    headers = {**headers, "Content-Encoding": "gzip", "Content-Type": "application/json"}
    response = client.post("/sync/v1/push", data=body, headers=headers)
    assert response.status_code == 200 and response.json["accepted"] == 20
    pulled = client.get("/sync/v1/pull?limit=1000", headers={**headers, "Accept-Encoding": "gzip"})
    assert pulled.headers["Content-Encoding"] == "gzip"
    page = json.loads(gzip.decompress(pulled.data))
    assert {op["op_id"] for op in ops} <= {op["op_id"] for op in page["ops"]}
    assert page["more"] is False


def test_a_malformed_push_is_a_json_400(client, make_token) -> None:
    response = client.post("/sync/v1/push", data=b"{not json", headers=make_token("sync"))
    assert response.status_code == 400 and response.json["error"] == "bad_json"


def test_sync_status_for_scripts(client, make_token) -> None:
    response = client.get("/api/v1/sync/status", headers=make_token("desk"))
    assert response.status_code == 200
    assert {"node_id", "pending_push", "peers"} <= response.json.keys()
    assert client.get("/api/v1/sync/status", headers=make_token("signage")).status_code == 403


def test_a_supervisor_resolves_a_flag_and_the_answer_is_an_op(client, db) -> None:
    node = load_node(db)
    other = type(node)("elsewhere", Clock("elsewhere"))
    checkin.scan(db, node, "KN-JOSE01", now=DAY1_MORNING)
    checkin.scan(db, other, "KN-JOSE02", now=DAY1_MORNING)
    from kiosk.db import transaction

    with transaction(db):  # the same ticket scanned at another venue while apart
        other.record(db, "checkin", "a-jose", {"at": "2026-12-01T03:00:00.000Z",
                                               "day": "2026-12-01"})  # fmt: skip
    [flag] = conflicts.flags(db)
    assert flag.kind == "double_scan"
    sign_in(client, "Budi")
    page = client.get("/review")
    assert page.status_code == 200 and b"Scanned at two places" in page.data
    response = client.post(f"/review/{flag.flag_id}", data={"action": "undo_later",
                           "csrf_token": csrf_from(page.data)})  # fmt: skip
    assert response.status_code == 303
    assert conflicts.flags(db) == []
    assert db.execute("SELECT count(*) FROM op WHERE kind = 'conflict_resolve'").fetchone()[0] == 1


def test_desk_staff_cannot_resolve(client) -> None:
    sign_in(client, "Ana")
    assert client.get("/review").status_code == 403


def test_purge_refuses_while_anything_is_unsynced(db_path) -> None:
    result = CliRunner().invoke(main, ["--db", str(db_path), "purge", "--yes"])
    assert result.exit_code != 0 and "head office has not confirmed" in result.output
    assert (
        open_db(db_path)
        .execute("SELECT count(*) FROM attendee WHERE first_name != ''")
        .fetchone()[0]
    )


def test_purge_after_a_final_sync_leaves_no_personal_data(tmp_path, db_path) -> None:
    """After the event: everything is at head office, then no name, e-mail or company is left
    anywhere on the venue machine (state, search index, op log, edit history), while the
    arrivals stay countable."""
    from kiosk.db import transaction
    from kiosk.desk import attendees, checkin
    from kiosk.replication.node import load_node
    from tests.sync.replicas import make_headoffice, sync_final

    venue = open_db(db_path)
    node = load_node(venue)
    checkin.scan(venue, node, "KN-JOSE01", desk="North-1")
    with transaction(venue):
        attendees.update(venue, node, "a-nguyen", {"company": "Đại học Quốc gia"})
    ho = make_headoffice(tmp_path)
    assert sync_final(venue, "ho", ho)
    result = CliRunner().invoke(main, ["--db", str(db_path), "purge", "--yes"])
    assert result.exit_code == 0, result.output
    dump = "\n".join(venue.iterdump())
    for personal in ("José", "Ñúñez", "jose.nunez", "Café Ñandú", "Nguyễn", "Đại học", "nunez"):
        assert personal not in dump, personal
    assert venue.execute("SELECT count(*) FROM checkin").fetchone()[0] == 1
    assert ho.db.execute("SELECT count(*) FROM attendee WHERE first_name = 'José'").fetchone()[0]
