"""Signed tickets on the desk screen: what the staff member reads for each answer."""

from __future__ import annotations

from kiosk.db import open_db, transaction
from kiosk.replication.node import load_node
from kiosk.ticketing import signed
from tests.ticketing.signing import Signer

HX = {"HX-Request": "true"}


def test_the_desk_says_checked_in_revoked_or_not_signed_here(desk, db_path):
    client, token = desk
    signer = Signer()
    db = open_db(db_path)
    with transaction(db):
        signed.keep(db, load_node(db), {"scope": "org/con", "keys": [signer.public],
                                        "revoked": [signer.secret("old")],
                                        "items": {"1": "Conference pass"}})  # fmt: skip
    db.close()

    def scan(code: str) -> str:
        return client.post("/desk/scan", data={"q": code, "csrf_token": token},
                           headers=HX).data.decode()  # fmt: skip

    fresh = scan(signer.secret("new"))
    assert "tone-ok" in fresh and "Conference pass" in fresh
    revoked = scan(signer.secret("old"))
    assert "tone-error" in revoked and "pretix revoked this ticket" in revoked
    forged = scan(Signer().secret("new"))
    assert "tone-error" in forged and "signature did not verify" in forged
