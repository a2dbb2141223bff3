"""Schedule import: rooms and sessions, sign-ups; all or nothing, errors name the line."""

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.desk.sheets import CsvError
from kiosk.rooms import schedule, schedule_import
from tests.rooms_data import REGISTRATIONS, SESSIONS, load

HEADER = "session_id,title,starts_at,ends_at,room_id,room_name,capacity\n"


def test_import_makes_rooms_and_sessions_in_the_event_zone(db, node) -> None:
    load(db, node)
    assert [r.room_id for r in schedule.rooms(db)] == ["kenanga", "anggrek", "kamboja"]
    workshop = schedule.session(db, "workshop")
    # Local 10:30 in Jakarta and 10:30+07:00 are the same instant: 03:30 UTC.
    assert workshop["starts_at"] == "2026-12-01T03:30:00.000Z"
    assert schedule.session(db, "printing")["starts_at"] == workshop["starts_at"]
    assert workshop["day"] == "2026-12-01" and workshop["room_name"] == "Kamboja"
    # The cancelled attendee's sign-up is kept but not counted.
    assert schedule.registered_count(db, "workshop") == 4


def test_reimport_writes_nothing_new(db, node) -> None:
    load(db, node)
    ops = db.execute("SELECT count(*) FROM op").fetchone()[0]
    report = schedule_import.import_sessions(db, node, SESSIONS.encode())
    again = schedule_import.import_registrations(db, node, REGISTRATIONS.encode())
    assert (report.added, report.updated, report.unchanged) == (0, 0, 4)
    assert again.added == 0 and db.execute("SELECT count(*) FROM op").fetchone()[0] == ops


def test_cancelling_a_sign_up(db, node) -> None:
    load(db, node)
    report = schedule_import.import_registrations(
        db, node, b"session_id;attendee_id;status\nworkshop;a-jose;cancelled\n"
    )
    assert report.cancelled == 1 and schedule.registered_count(db, "workshop") == 3


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("s1,T,2026-12-01T10:00,2026-12-01T09:00,r1,R,10\n", 2, "not after"),
        ("s1,T,10 o'clock,2026-12-01T09:00,r1,R,10\n", 2, "not a date"),
        ("s1,T,2026-12-01T10:00,2026-12-01T11:00,r1,R,ten\n", 2, "capacity"),
        (
            "s1,T,2026-12-01T10:00,2026-12-01T11:00,r1,R,10\n"
            "s1,T,2026-12-01T12:00,2026-12-01T13:00,r1,R,10\n",
            3,
            "also on line 2",
        ),
        (
            "s1,T,2026-12-01T10:00,2026-12-01T11:00,r1,R,10\n"
            "s2,T,2026-12-01T12:00,2026-12-01T13:00,r1,R,12\n",
            3,
            "capacity",
        ),
        ("s1,,2026-12-01T10:00,2026-12-01T11:00,r1,R,10\n", 2, "title is empty"),
        ("s1,T,2026-12-01T10:00,2026-12-01T11:00,r9,R,\n", 2, "needs a capacity"),
        ('s1,"T,2026-12-01T10:00,2026-12-01T11:00,r1,R,10\n', 2, "never closed"),
    ],
)
def test_a_bad_line_imports_nothing(db, node, body, line, words) -> None:
    good = "s0,Fine,2026-12-01T08:00,2026-12-01T09:00,r0,R0,10\n"
    with pytest.raises(CsvError) as caught:
        schedule_import.import_sessions(db, node, (HEADER + body + good).encode())
    assert str(caught.value).startswith(f"line {line}:") and words in str(caught.value)
    assert schedule.rooms(db) == [] and schedule.session(db, "s0") is None


def test_missing_column_is_line_one(db, node) -> None:
    with pytest.raises(CsvError, match=r"^line 1: .*room_id"):
        schedule_import.import_sessions(db, node, b"session_id,title,starts_at,ends_at\n")


def test_registrations_name_unknown_sessions_and_people(db, node) -> None:
    load(db, node)
    with pytest.raises(CsvError, match=r"^line 3: no session"):
        schedule_import.import_registrations(db, node, b"session_id,attendee_id\nlunch,a-jose\n"
                                             b"nope,a-jose\n")  # fmt: skip
    with pytest.raises(CsvError, match=r"^line 2: no attendee"):
        schedule_import.import_registrations(db, node, b"session_id,attendee_id\nlunch,a-nobody\n")
    assert schedule.registered_count(db, "lunch") == 0


def test_cli_imports_and_reports_errors(db_path, tmp_path) -> None:
    sessions, signups = tmp_path / "s.csv", tmp_path / "r.csv"
    sessions.write_text(SESSIONS, encoding="utf-8-sig")
    signups.write_text(REGISTRATIONS.replace(",", ";"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(main, ["--db", str(db_path), "import", "sessions", str(sessions)])
    assert result.exit_code == 0 and "4 added" in result.output
    result = runner.invoke(main, ["--db", str(db_path), "import", "registrations", str(signups)])
    assert result.exit_code == 0 and "6 added" in result.output
    sessions.write_text(HEADER + "x,T,bad,bad,r,R,1\n")
    result = runner.invoke(main, ["--db", str(db_path), "import", "sessions", str(sessions)])
    assert (
        result.exit_code != 0
        and "line 2" in result.output
        and "Nothing was imported" in result.output
    )
