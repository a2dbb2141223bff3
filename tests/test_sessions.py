"""Sign-ins live on the server: a copy of the database or of a cookie opens nothing for long."""

from __future__ import annotations

import stat
from datetime import timedelta

from click.testing import CliRunner
from flask.sessions import SecureCookieSessionInterface

from kiosk import create_app, files
from kiosk.cli import main
from kiosk.db import open_db
from tests.conftest import csrf_from, sign_in


def forged_cookie(app, key: str, staff_id: int) -> str:
    """A session cookie signed with `key`, naming a staff member, as Kiosk signed them before."""
    signer = SecureCookieSessionInterface().get_signing_serializer(
        type("App", (), {"secret_key": key, "config": app.config})()
    )
    return signer.dumps({"staff_id": staff_id, "sid": "x" * 43, "csrf": "c"})


def test_a_backup_does_not_forge_a_supervisor_session(db_path, clock, tmp_path):
    app = create_app({"DATABASE": str(db_path), "TESTING": True, "CLOCK": clock})
    browser = app.test_client()
    sign_in(browser, "Budi")  # a live supervisor session exists when the copy is made
    copy = tmp_path / "usb" / "backup.sqlite3"
    assert CliRunner().invoke(main, ["--db", str(db_path), "backup", str(copy)]).exit_code == 0
    stolen = open_db(copy)
    budi = stolen.execute("SELECT staff_id FROM staff WHERE name = 'Budi'").fetchone()[0]
    candidates = [r[0] for r in stolen.execute("SELECT value FROM setting")]
    candidates += [r[0] for r in stolen.execute("SELECT id_hash FROM staff_session")]
    stolen.close()
    for key in candidates:
        thief = app.test_client()
        thief.set_cookie("session", forged_cookie(app, key, budi))
        assert thief.get("/admin/printers").status_code == 302, key


def test_files_kiosk_writes_are_private(db_path, tmp_path):
    copy, export = tmp_path / "backup.sqlite3", tmp_path / "checkins.csv"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db_path), "backup", str(copy)]).exit_code == 0
    assert (
        runner.invoke(main, ["--db", str(db_path), "export", "checkins", str(export)]).exit_code
        == 0
    )
    fresh = tmp_path / "new" / "kiosk.sqlite3"
    assert runner.invoke(main, ["--db", str(fresh), "init", "--event", "X"]).exit_code == 0
    create_app({"DATABASE": str(fresh), "TESTING": True})  # makes the signing key
    made = [copy, export, fresh, files.key_path(fresh)]
    made += [p for p in fresh.parent.iterdir() if p.name.endswith(("-wal", "-shm"))]
    db_path.chmod(0o644)  # a database from an older Kiosk is made private when opened
    open_db(db_path).close()
    made.append(db_path)
    modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in made}
    assert {name: oct(mode) for name, mode in modes.items() if mode & 0o077} == {}


def test_signing_out_ends_the_session_for_a_copied_cookie(client, app):
    csrf = sign_in(client, "Ana")
    cookie = client.get_cookie("session").value
    client.post("/logout", data={"csrf_token": csrf})
    replay = app.test_client()
    replay.set_cookie("session", cookie)
    assert replay.get("/desk").status_code == 302


def test_a_supervisor_signs_a_staff_member_out_everywhere(app, db_path):
    tablets = [app.test_client() for _ in range(2)]
    for tablet in tablets:
        sign_in(tablet, "Ana")
    supervisor = app.test_client()
    sign_in(supervisor, "Budi")
    page = supervisor.get("/admin/staff")
    assert b"2 devices" in page.data
    done = supervisor.post("/admin/staff/sign-out",
                           data={"name": "Ana", "csrf_token": csrf_from(page.data)})  # fmt: skip
    assert done.status_code == 303
    assert [t.get("/desk").status_code for t in tablets] == [302, 302]
    assert supervisor.get("/desk").status_code == 200  # only Ana was signed out


def test_the_cli_signs_a_staff_member_out_everywhere(app, db_path):
    tablet = app.test_client()
    sign_in(tablet, "Ana")
    result = CliRunner().invoke(main, ["--db", str(db_path), "staff", "signout", "Ana"])
    assert result.exit_code == 0 and "Ana signed out on 1 device\n" in result.output
    assert tablet.get("/desk").status_code == 302


def test_an_idle_session_ends(app, client, clock):
    sign_in(client, "Ana")
    idle = timedelta(minutes=app.config["STAFF_SESSION_MINUTES"])
    clock.advance(idle - timedelta(minutes=1))
    assert client.get("/desk").status_code == 200  # in use: it goes on
    clock.advance(idle - timedelta(minutes=1))
    assert client.get("/desk").status_code == 200
    clock.advance(idle + timedelta(seconds=1))
    assert client.get("/desk").status_code == 302


def test_a_restore_ends_every_sign_in(app, client, db_path, tmp_path):
    sign_in(client, "Ana")
    copy = tmp_path / "backup.sqlite3"
    runner = CliRunner()
    assert runner.invoke(main, ["--db", str(db_path), "backup", str(copy)]).exit_code == 0
    key = files.signing_key(db_path)
    from kiosk.web import _local

    for conn in _local.__dict__.get("connections", {}).values():
        conn.close()  # the server is stopped for a restore
    _local.__dict__.pop("connections", None)
    result = runner.invoke(main, ["--db", str(db_path), "restore", str(copy)])
    assert result.exit_code == 0, result.output
    assert files.signing_key(db_path) != key
    db = open_db(db_path)
    assert db.execute("SELECT count(*) FROM staff_session").fetchone()[0] == 0
    db.close()


def test_a_new_pin_ends_the_old_sign_ins(app, client, db):
    from kiosk import auth

    sign_in(client, "Ana")
    auth.add_staff(db, "Ana", "desk", "97531")
    assert client.get("/desk").status_code == 302
