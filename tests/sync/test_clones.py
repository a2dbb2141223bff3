"""A venue database prepared once and copied to several machines: each copy gets its own id."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from kiosk import create_app
from kiosk.cli import main
from kiosk.db import open_db
from kiosk.desk import checkin
from kiosk.replication.node import load_node, rekey
from kiosk.web import node_of
from sync.server import Request, handle
from tests.conftest import DAY1_MORNING, seed
from tests.sync.replicas import make_replica


def _prepared(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, str]:
    monkeypatch.setenv("KIOSK_MACHINE_ID", "prep-laptop")
    path = tmp_path / "prep" / "venue.sqlite3"
    path.parent.mkdir()
    db = open_db(path)
    node = load_node(db)
    seed(db, node)
    db.close()
    return path, node.node_id


def _copy(path: Path, folder: Path) -> Path:
    folder.mkdir()
    shutil.copy(path, folder / path.name)
    return folder / path.name


def _origins(db) -> dict[str, int]:
    return dict(db.execute("SELECT origin, count(*) FROM op GROUP BY origin").fetchall())


def test_a_copy_on_another_machine_takes_a_new_id_and_keeps_every_op(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    prepared, old_id = _prepared(tmp_path, monkeypatch)
    copy = _copy(prepared, tmp_path / "laptop2")
    monkeypatch.setenv("KIOSK_MACHINE_ID", "laptop-2")
    db = open_db(copy)
    before = _origins(db)
    with caplog.at_level(logging.WARNING):
        node = load_node(db)
    assert node.node_id != old_id
    assert "copied" in caplog.text and old_id in caplog.text
    assert _origins(db) == before  # the prepared ops stay under the old origin, none twice
    checkin.scan(db, node, "KN-JOSE01", now=DAY1_MORNING)
    assert _origins(db)[node.node_id] == 1
    assert load_node(db).node_id == node.node_id  # re-keyed once, not on every open
    db.close()


def test_a_copy_in_another_folder_of_the_same_machine_takes_a_new_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared, old_id = _prepared(tmp_path, monkeypatch)
    copy = _copy(prepared, tmp_path / "second")
    db = open_db(copy)
    assert load_node(db).node_id != old_id
    db.close()


def test_a_database_moved_to_another_folder_keeps_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared, old_id = _prepared(tmp_path, monkeypatch)
    moved = tmp_path / "moved.sqlite3"
    prepared.rename(moved)
    db = open_db(moved)
    assert load_node(db).node_id == old_id
    db.close()


def test_the_original_keeps_its_id_across_restarts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared, old_id = _prepared(tmp_path, monkeypatch)
    _copy(prepared, tmp_path / "elsewhere")
    for _ in range(2):
        db = open_db(prepared)
        assert load_node(db).node_id == old_id
        db.close()


def test_a_database_from_before_fingerprints_keeps_its_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared, old_id = _prepared(tmp_path, monkeypatch)
    db = open_db(prepared)
    db.execute("DELETE FROM setting WHERE key = 'node_machine'")
    monkeypatch.setenv("KIOSK_MACHINE_ID", "upgraded")
    assert load_node(db).node_id == old_id
    db.close()


def _hello(target, node: str, machine: str) -> tuple[int, dict]:
    body = json.dumps({"node_id": node, "machine": machine}).encode()
    return handle(target.local, Request("POST", "/sync/v1/hello", {}, body))


def test_head_office_refuses_a_second_machine_under_one_node_id(tmp_path: Path) -> None:
    ho = make_replica(tmp_path, "ho")
    assert _hello(ho, "venue-1", "machine-a")[0] == 200
    assert _hello(ho, "venue-1", "machine-a")[0] == 200
    status, answer = _hello(ho, "venue-1", "machine-b")
    assert status == 409 and answer["error"] == "cloned_node"
    assert "venue-1" in answer["message"]
    assert _hello(ho, "venue-2", "machine-b")[0] == 200
    ho.db.close()


def test_a_restore_keeps_the_node_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    prepared, old_id = _prepared(tmp_path, monkeypatch)
    saved = tmp_path / "saved.sqlite3"
    assert CliRunner().invoke(main, ["--db", str(prepared), "backup", str(saved)]).exit_code == 0
    done = CliRunner().invoke(main, ["--db", str(prepared), "restore", str(saved)])
    assert done.exit_code == 0, done.output
    db = open_db(prepared)
    assert load_node(db).node_id == old_id  # the same machine, its token still speaks for it
    db.close()


def test_scans_after_sync_re_keys_a_copy_carry_the_new_id(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prepared, old_id = _prepared(tmp_path, monkeypatch)
    app = create_app({"DATABASE": str(prepared), "TESTING": True, "SECRET_KEY": "s"})
    with app.app_context():
        assert node_of(app).node_id == old_id
        db = open_db(prepared)
        new_id = rekey(db).node_id  # as sync does when head office answers cloned_node
        db.close()
        assert new_id != old_id
        assert node_of(app).node_id == new_id
