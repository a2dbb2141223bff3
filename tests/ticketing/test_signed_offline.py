"""Signed tickets at a venue machine that never talked to pretix: the keys come by sync, the
scan goes through the scanners' API, and every replica folds the keys to the same tables."""

from __future__ import annotations

import itertools

from kiosk import auth, create_app
from kiosk.db import transaction
from kiosk.replication import fold
from kiosk.ticketing import signed
from sync.client import sync_once
from sync.oplog import all_ops
from tests.conftest import seed
from tests.sync.replicas import make_replica
from tests.ticketing.signing import Signer

TABLES = ("pretix_key", "pretix_revoked", "pretix_item")


def _state(db):
    return {t: sorted(tuple(r) for r in db.execute(f"SELECT * FROM {t}")) for t in TABLES}  # noqa: S608


def _keep(replica, **extras):
    with transaction(replica.db):
        return signed.keep(replica.db, replica.node, {"scope": "kiosk/con", **extras})


def test_keys_revocations_and_names_fold_the_same_in_any_order(tmp_path):
    north, south = make_replica(tmp_path, "north"), make_replica(tmp_path, "south")
    a, b = Signer(), Signer()
    _keep(north, keys=[a.public], revoked=["=old1"], items={"1": "Conference pass"})
    _keep(south, keys=[b.public], revoked=["=old2", "=old1"], items={"1": "Full pass"})
    assert _keep(north, keys=[a.public], revoked=["=old1"], items={"1": "Conference pass"}) == 0
    ops = all_ops(north.db) + all_ops(south.db)
    ops = [op for op in ops if op.kind == signed.KIND]
    states = []
    for order in itertools.permutations(ops):
        with transaction(north.db):
            fold.rebuild(north.db, [*order, *order[:1]])  # a duplicate too
        states.append(_state(north.db))
    assert all(s == states[0] for s in states)
    assert {r[1] for r in states[0]["pretix_key"]} == {a.public, b.public}
    assert [r[0] for r in states[0]["pretix_revoked"]] == ["=old1", "=old2"]
    assert len(states[0]["pretix_item"]) == 1  # one name per product: the last writer's


def test_a_machine_with_keys_by_sync_checks_a_signed_ticket_in_through_the_api(tmp_path):
    office, venue = make_replica(tmp_path, "office"), make_replica(tmp_path, "venue")
    seed(office.db, office.node)
    signer = Signer()
    _keep(office, keys=[signer.public], revoked=[signer.secret("gone")],
          items={"3": "Speaker"})  # fmt: skip
    sync_once(venue.local, office.name, office.transport())
    token = auth.create_token(venue.db, "desk", "gate tablet")
    app = create_app({"DATABASE": str(venue.path), "TESTING": True, "SECRET_KEY": "t"})
    client, headers = app.test_client(), {"Authorization": f"Bearer {token}"}

    good = client.post("/api/v1/scan", json={"code": signer.secret("fresh", item=3)},
                       headers=headers).get_json()  # fmt: skip
    assert good["result"] == "checked_in"
    assert good["attendee"]["ticket_type"] == "Speaker"
    assert good["attendee"]["first_name"] == signed.PLACEHOLDER_NAME
    again = client.post("/api/v1/scan", json={"code": signer.secret("fresh", item=3)},
                        headers=headers).get_json()  # fmt: skip
    assert again["result"] == "already_checked_in"

    revoked = client.post("/api/v1/scan", json={"code": signer.secret("gone")},
                          headers=headers).get_json()  # fmt: skip
    assert revoked["result"] == "blocked" and "revoked" in revoked["message"]
    forged = client.post("/api/v1/scan", json={"code": Signer().secret("fresh", item=3)},
                         headers=headers).get_json()  # fmt: skip
    assert forged["result"] == "unknown_code"
    assert "signature did not verify" in forged["message"]
    plain = client.post("/api/v1/scan", json={"code": "NOPE-123"}, headers=headers).get_json()
    assert plain["result"] == "unknown_code" and "signature" not in plain["message"]
