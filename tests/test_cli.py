"""The `kiosk` console script as organisers and scripts run it: exit codes, stdout, the database."""

from __future__ import annotations

import csv
import io
import os
import re
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk import create_app
from kiosk.db import open_db
from kiosk.desk import checkin
from kiosk.replication.node import load_node

KIOSK = Path(sys.executable).parent / "kiosk"
EXPORT_HEADER = ["attendee_id", "code", "first_name", "last_name", "company", "ticket_type",
                 "status", "first_checkin_at", "desk", "checkins", "badge_prints"]  # fmt: skip


def kiosk(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIOSK_")}
    return subprocess.run([str(KIOSK), "--db", str(db), *args], capture_output=True, text=True,
                          cwd=db.parent, env=env, check=False)  # fmt: skip


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, result.stderr
    return result.stdout


def refused(result: subprocess.CompletedProcess[str]) -> str:
    """A failure is a non-zero exit with one line on stderr (no traceback)."""
    assert result.returncode != 0, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def query(db: Path, sql: str) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def counts(report: str) -> tuple[int, int, int]:
    match = re.search(r"(\d+) added, (\d+) updated, (\d+) unchanged", report)
    assert match, report
    return tuple(int(n) for n in match.groups())  # type: ignore[return-value]


@pytest.fixture
def venue(tmp_path: Path) -> Path:
    db = tmp_path / "venue.sqlite3"
    ok(kiosk(db, "init", "--event", "Jakarta Dev Summit", "--starts", "2026-12-01", "--days", "3"))
    return db


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# -- init and demo ---------------------------------------------------------------------------


def test_init_creates_then_renames(venue):
    assert query(venue, "SELECT name, starts_on, days FROM event") == [
        ("Jakarta Dev Summit", "2026-12-01", 3)
    ]
    ok(kiosk(venue, "init", "--event", "Jakarta Dev Summit 2026"))
    # A rename keeps the dates.
    assert query(venue, "SELECT name, starts_on, days FROM event") == [
        ("Jakarta Dev Summit 2026", "2026-12-01", 3)
    ]


def test_init_refuses_bad_input(venue):
    refused(kiosk(venue, "init", "--event", "X", "--days", "0"))
    refused(kiosk(venue, "init", "--event", "   "))
    assert query(venue, "SELECT name FROM event") == [("Jakarta Dev Summit",)]


ATTENDEE_SQL = ("SELECT attendee_id, code, first_name, last_name, email, company, ticket_type,"
                " status, note, block_note FROM attendee ORDER BY attendee_id")  # fmt: skip


def test_demo_is_deterministic_for_a_seed(tmp_path):
    one, two = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
    ok(kiosk(one, "demo", "--attendees", "300", "--seed", "1"))
    ok(kiosk(two, "demo", "--attendees", "300", "--seed", "1"))
    people = query(one, ATTENDEE_SQL)
    assert len(people) == 300
    assert query(two, ATTENDEE_SQL) == people
    arrived = "SELECT attendee_id, desk FROM checkin ORDER BY attendee_id"
    assert query(one, arrived) == query(two, arrived)
    # --fresh replaces a demo database with the same people again.
    ok(kiosk(one, "demo", "--attendees", "300", "--seed", "1", "--fresh"))
    assert query(one, ATTENDEE_SQL) == people
    other = tmp_path / "other.sqlite3"
    ok(kiosk(other, "demo", "--attendees", "300", "--seed", "2"))
    assert query(other, ATTENDEE_SQL) != people


def test_demo_refuses_to_overwrite_a_real_event(venue, tmp_path):
    ok(kiosk(venue, "import", "attendees", str(write(tmp_path, "a.csv", "code,name\nR1,Rani\n"))))
    for extra in ([], ["--fresh"]):
        refused(kiosk(venue, "demo", "--attendees", "10", *extra))
    assert query(venue, "SELECT code FROM attendee") == [("R1",)]
    assert query(venue, "SELECT name FROM event") == [("Jakarta Dev Summit",)]


# -- import attendees ------------------------------------------------------------------------

GOOD = """attendee_id,code,first_name,last_name,email,company,ticket_type,status
p-1,QR-0001,Ana,Lima,ana@example.org,Acme,Speaker,valid
p-2,QR-0002,Budi,Santoso,budi@example.org,PT Maju,VIP,valid
p-3,QR-0003,Chen,Wei,chen@example.org,,Attendee,cancelled
"""


def op_count(db: Path) -> int:
    return query(db, "SELECT count(*) FROM op")[0][0]


def test_import_then_reimport_then_one_change(venue, tmp_path):
    first = write(tmp_path, "a.csv", GOOD)
    assert counts(ok(kiosk(venue, "import", "attendees", str(first)))) == (3, 0, 0)
    before = op_count(venue)
    # The same file again changes nothing, so it writes no operation to sync.
    assert counts(ok(kiosk(venue, "import", "attendees", str(first)))) == (0, 0, 3)
    assert op_count(venue) == before
    changed = write(tmp_path, "b.csv", GOOD.replace("PT Maju", "PT Maju Jaya"))
    assert counts(ok(kiosk(venue, "import", "attendees", str(changed)))) == (0, 1, 2)
    assert op_count(venue) == before + 1
    assert query(venue, "SELECT company FROM attendee WHERE attendee_id = 'p-2'") == [
        ("PT Maju Jaya",)
    ]
    assert query(venue, "SELECT status FROM attendee WHERE attendee_id = 'p-3'") == [("cancelled",)]


def test_reimport_with_empty_ticket_type_is_unchanged(venue, tmp_path):
    data = write(tmp_path, "a.csv", "code,name,ticket_type\nQR-1,Ana Lima,\n")
    ok(kiosk(venue, "import", "attendees", str(data)))
    before = op_count(venue)
    assert counts(ok(kiosk(venue, "import", "attendees", str(data)))) == (0, 0, 1)
    assert op_count(venue) == before
    assert query(venue, "SELECT ticket_type FROM attendee") == [("Attendee",)]


GOOD_ROW = "code,name,email,status\nOK-1,Ana Lima,ana@example.org,valid\n"
BROKEN = {
    "bad_encoding": (GOOD_ROW.encode() + "OK-2,Jérôme,j@example.org,\n".encode("cp1252"), 3),
    "duplicate_code": (GOOD_ROW + "ok-1,Budi,budi@example.org,valid\n", 3),
    "missing_code_column": ("name,email\nAna Lima,ana@example.org\n", 1),
    "too_many_cells": (GOOD_ROW + "OK-2,Budi,budi@example.org,valid,extra\n", 3),
    "bad_status": (GOOD_ROW + "OK-2,Budi,budi@example.org,maybe\n", 3),
    "bad_email": (GOOD_ROW + "OK-2,Budi,budi at example,valid\n", 3),
    "empty_file": ("", 1),
    "unclosed_quote_last_line": (GOOD_ROW + 'OK-2,"Budi,budi@example.org,valid\n', 3),
    "control_character": (GOOD_ROW + "OK-2,Bu\x07di,budi@example.org,valid\n", 3),
    "empty_code": (GOOD_ROW + ",Budi,budi@example.org,valid\n", 3),
}
# The quote opens on line 3; the error should name that line, not the end of the file.
UNCLOSED_MID = (GOOD_ROW + 'OK-2,"Budi,budi@example.org,valid\nOK-3,Citra,c@example.org,\n', 3)


@pytest.mark.parametrize(
    ("data", "line"),
    [
        *[pytest.param(*case, id=name) for name, case in BROKEN.items()],
        pytest.param(*UNCLOSED_MID, id="unclosed_quote_mid_file"),
    ],
)
def test_broken_csv_imports_nothing_and_names_the_line(venue, tmp_path, data, line):
    before = op_count(venue)
    reason = refused(kiosk(venue, "import", "attendees", str(write(tmp_path, "bad.csv", data))))
    assert re.search(rf"\bline {line}\b", reason), reason
    assert op_count(venue) == before
    assert query(venue, "SELECT count(*) FROM attendee") == [(0,)]


def test_semicolons_and_bom(venue, tmp_path):
    data = "\ufeffCode;First_Name;Last_Name;Company\nS-1;Zoë;Müller;Acme, Inc\nS-2;Plato;;\n"
    assert counts(ok(kiosk(venue, "import", "attendees", str(write(tmp_path, "s.csv", data))))) == (
        2,
        0,
        0,
    )
    assert query(
        venue, "SELECT code, first_name, last_name, company FROM attendee ORDER BY code"
    ) == [
        ("S-1", "Zoë", "Müller", "Acme, Inc"),
        ("S-2", "Plato", "", ""),
    ]


def test_eventbrite_headers(venue, tmp_path):
    data = (
        "Order #,First Name,Last Name,Email,Ticket Type,Barcode #,Attendee #,Attendee Status\n"
        "1001,Ana,Lima,ana@example.org,General Admission,111222333,9001,Attending\n"
        "1002,Budi,Santoso,budi@example.org,VIP,111222334,9002,Not Attending\n"
    )
    ok(kiosk(venue, "import", "attendees", str(write(tmp_path, "eb.csv", data))))
    sql = (
        "SELECT attendee_id, code, first_name, last_name, email, ticket_type, status FROM attendee"
    )
    assert sorted(query(venue, sql)) == [
        ("9001", "111222333", "Ana", "Lima", "ana@example.org", "General Admission", "valid"),
        ("9002", "111222334", "Budi", "Santoso", "budi@example.org", "VIP", "cancelled"),
    ]


def test_pretix_headers(venue, tmp_path):
    data = (
        "Order code,Attendee name,Attendee email,Product,Secret,Company\n"
        "ABC12,Ana Lima,ana@example.org,Conference Ticket,s3cr3tAAA,Acme\n"
        "ABC13,Sukarno,sukarno@example.org,Workshop,s3cr3tBBB,\n"
    )
    ok(kiosk(venue, "import", "attendees", str(write(tmp_path, "px.csv", data))))
    sql = "SELECT code, first_name, last_name, email, ticket_type, company FROM attendee"
    assert sorted(query(venue, sql)) == [
        ("s3cr3tAAA", "Ana", "Lima", "ana@example.org", "Conference Ticket", "Acme"),
        # A mononym has an empty last name.
        ("s3cr3tBBB", "Sukarno", "", "sukarno@example.org", "Workshop", ""),
    ]


# -- tokens ----------------------------------------------------------------------------------


def test_token_create_prints_a_working_token(venue, tmp_path):
    ok(kiosk(venue, "import", "attendees", str(write(tmp_path, "a.csv", GOOD))))
    out = ok(kiosk(venue, "token", "create", "--role", "desk", "--name", "Gate A scanner"))
    lines = out.splitlines()
    assert len(lines) == 1 and lines[0] == lines[0].strip() and " " not in lines[0]
    client = create_app({"DATABASE": str(venue), "TESTING": True, "SECRET_KEY": "t"}).test_client()
    headers = {"Authorization": f"Bearer {lines[0]}"}
    answer = client.post("/api/v1/scan", json={"code": "QR-0001"}, headers=headers)
    assert answer.status_code == 200 and answer.get_json()["result"] == "checked_in"


def test_token_create_refuses_an_unknown_role(venue):
    result = kiosk(venue, "token", "create", "--role", "admin", "--name", "x")
    assert result.returncode != 0 and result.stdout == ""


# -- export checkins -------------------------------------------------------------------------


def export(db: Path, tmp_path: Path) -> tuple[bytes, list[dict[str, str]]]:
    target = tmp_path / "out.csv"
    ok(kiosk(db, "export", "checkins", str(target)))
    raw = target.read_bytes()
    return raw, list(csv.DictReader(io.StringIO(raw.decode("utf-8"))))


def scan_at(db_path: Path, code: str, when: datetime, desk: str) -> None:
    db = open_db(db_path)
    try:
        checkin.scan(db, load_node(db), code, desk=desk, now=when)
    finally:
        db.close()


def test_export_columns_and_checkins(venue, tmp_path):
    ok(kiosk(venue, "import", "attendees", str(write(tmp_path, "a.csv", GOOD))))
    first = datetime(2026, 12, 1, 2, 5, 7, tzinfo=UTC)  # 09:05 in Jakarta, day 1
    scan_at(venue, "QR-0001", first, "Desk North-1")
    scan_at(venue, "QR-0001", datetime(2026, 12, 2, 1, 0, tzinfo=UTC), "Desk South-1")
    raw, rows = export(venue, tmp_path)
    assert raw.decode("utf-8").splitlines()[0].split(",") == EXPORT_HEADER
    by_id = {r["attendee_id"]: r for r in rows}
    assert set(by_id) == {"p-1", "p-2", "p-3"}
    ana = by_id["p-1"]
    stamp = datetime.fromisoformat(ana["first_checkin_at"].replace("Z", "+00:00"))
    assert stamp == first and stamp.utcoffset().total_seconds() == 0
    assert (ana["desk"], ana["checkins"], ana["badge_prints"]) == ("Desk North-1", "2", "0")
    budi = by_id["p-2"]
    assert (budi["first_checkin_at"], budi["desk"], budi["checkins"]) == ("", "", "0")
    assert by_id["p-3"]["status"] == "cancelled"


def test_export_neutralises_formulas(venue, tmp_path):
    data = 'code,name,company\nF-1,Eve,"=HYPERLINK(""x"")"\nF-2,Ana,+62 21 555\nF-3,Budi,@cmd\n'
    ok(kiosk(venue, "import", "attendees", str(write(tmp_path, "f.csv", data))))
    _, rows = export(venue, tmp_path)
    companies = {r["code"]: r["company"] for r in rows}
    for code in ("F-1", "F-2", "F-3"):
        assert not companies[code].startswith(("=", "+", "-", "@")), companies[code]
    # The text is kept, only made inert.
    assert 'HYPERLINK("x")' in companies["F-1"]
