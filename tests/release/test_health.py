"""GET /healthz: 200 while a check-in can be saved, 503 with the reason when it cannot.

Each trouble is real: another connection holding the write lock, a file with damaged pages,
and a small tmpfs filled until it refuses another byte (as tests/e2e/test_disk_full.py does).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from kiosk import create_app
from kiosk.clock import FixedClock
from kiosk.operations import health
from tests.conftest import DAY1_MORNING
from tests.e2e.test_disk_full import fill, small_disk  # noqa: F401 - a fixture, used below


def app_on(path: Path):
    return create_app({"DATABASE": str(path), "TESTING": True, "SECRET_KEY": "s",
                       "CLOCK": FixedClock(DAY1_MORNING)})  # fmt: skip


def test_a_healthy_node_answers_ok_without_a_token(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json["status"] == "ok" and response.json["version"]
    assert response.headers["Cache-Control"] == "no-store"


def test_a_held_write_lock_is_503_locked(db_path, client):
    holder = sqlite3.connect(db_path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # an import, a backup tool, a second server…
    try:
        response = client.get("/healthz")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert response.status_code == 503
    assert response.json["status"] == "unavailable" and response.json["reason"] == "locked"
    assert client.get("/healthz").status_code == 200  # and well again once it lets go


def test_damaged_pages_are_503_integrity(db_path):
    app = app_on(db_path)  # it starts on a healthy file; then the disk damages it
    db = sqlite3.connect(db_path)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    with db_path.open("r+b") as f:
        size = f.seek(0, 2)
        page = 4096
        for offset in range(2 * page, size, 3 * page):
            f.seek(offset)
            f.write(b"\xde\xad" * (page // 2))
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json["reason"] == "integrity"
    assert "restore a backup" in response.json["message"]


def test_a_full_disk_is_503_disk_full(small_disk: Path, db_path: Path):  # noqa: F811
    path = small_disk / "kiosk.sqlite3"
    path.write_bytes(db_path.read_bytes())
    client = app_on(path).test_client()
    assert client.get("/healthz").status_code == 200
    filler = fill(small_disk)
    try:
        response = client.get("/healthz")
    finally:
        filler.unlink()
    assert response.status_code == 503
    assert response.json["reason"] == "disk_full" and response.json["disk_free_bytes"] < (
        health.MIN_FREE_BYTES
    )
    assert client.get("/healthz").status_code == 200


@pytest.mark.parametrize(
    ("free", "lock_error", "integrity", "reason"),
    [
        (10**9, "", "ok", ""),
        (10**9, "database is locked", "ok", "locked"),
        (10**9, "database or disk is full", "ok", "disk_full"),
        (1024, "", "ok", "disk_full"),
        (1024, "database is locked", "*** in database main ***", "integrity"),
        (10**9, "attempt to write a readonly database", "ok", "not_writable"),
    ],
)
def test_the_most_urgent_trouble_is_the_reason(free, lock_error, integrity, reason):
    assert health.verdict(free, lock_error, integrity).reason == reason
