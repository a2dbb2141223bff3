"""An organiser's head office: events, their people and tokens, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import json

import pytest

from kiosk.desk.sheets import CsvError
from kiosk.headoffice import events, fold, importing, tokens
from kiosk.headoffice.database import Database
from kiosk.headoffice.eventlog import EventLog

ROSTER = (b"code,first_name,last_name,email,company\n"
          b"A1,Ana,Lim,ana@example.com,Acme\n"
          b"A2,Budi,Santoso,budi@example.com,\n"
          b"A3,Siti,Rahma,,Kopi Co\n")  # fmt: skip


def _people(ho: Database, event: events.Event) -> dict[str, tuple[str, str, str]]:
    rows = ho.execute("SELECT code, first_name, last_name, email FROM attendee WHERE event_id = ?",
                      (event.event_id,))  # fmt: skip
    return {r[0]: (r[1], r[2], r[3]) for r in rows}


def test_an_event_is_registered_with_its_name_dates_and_time_zone(ho: Database) -> None:
    event = events.add(ho, "jcon-2026", "JCon 2026", "2026-12-08", 2, "Asia/Jakarta", "id")
    assert events.find(ho, "jcon-2026") == event
    assert (event.name, event.days, event.timezone, event.language) == (
        "JCon 2026", 2, "Asia/Jakarta", "id")  # fmt: skip
    [op] = [op for _, op in EventLog(ho, event.event_id).after(0, -1)]
    said = {"name": "JCon 2026", "starts_on": "2026-12-08", "days": 2, "timezone": "Asia/Jakarta"}
    assert (op.kind, op.payload["fields"]) == ("event_set", said)


@pytest.mark.parametrize(
    ("slug", "starts", "days", "zone", "says"),
    [("JCon!", "2026-12-08", 1, "UTC", "slug"), ("jcon", "8/12/2026", 1, "UTC", "YYYY-MM-DD"),
     ("jcon", "2026-12-08", 0, "UTC", "--days"),
     ("jcon", "2026-12-08", 1, "Mars/Base", "time zone")],
)  # fmt: skip
def test_an_event_head_office_cannot_serve_is_refused_with_the_reason(
    ho: Database, slug: str, starts: str, days: int, zone: str, says: str
) -> None:
    with pytest.raises(events.EventError, match=says):
        events.add(ho, slug, "Name", starts, days, zone)
    assert events.listing(ho) == []


def test_the_same_slug_twice_is_refused(ho: Database) -> None:
    events.add(ho, "jcon", "JCon", "2026-12-08")
    with pytest.raises(events.EventError, match="exists"):
        events.add(ho, "jcon", "Other", "2026-12-09")


def test_an_import_reaches_its_event_only_and_a_second_import_changes_nothing(
    ho: Database,
) -> None:
    a = events.add(ho, "a", "Event A", "2026-12-08")
    b = events.add(ho, "b", "Event B", "2026-12-09")
    report = importing.import_attendees(ho, a, ROSTER)
    assert (report.added, report.updated, report.unchanged) == (3, 0, 0)
    assert _people(ho, a)["A1"] == ("Ana", "Lim", "ana@example.com")
    assert _people(ho, b) == {}
    again = importing.import_attendees(ho, a, ROSTER)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 3)
    assert EventLog(ho, b.event_id).high() == 1  # only its own event_set
    # The same codes in another event are other people.
    assert importing.import_attendees(ho, b, ROSTER).added == 3


def test_an_import_edit_says_what_it_saw_so_venues_tell_a_correction(ho: Database) -> None:
    event = events.add(ho, "a", "Event A", "2026-12-08")
    importing.import_attendees(ho, event, ROSTER)
    report = importing.import_attendees(ho, event, ROSTER.replace(b"Lim", b"Lim-Tan"))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    edit = EventLog(ho, event.event_id).after(0, -1)[-1][1]
    assert edit.payload["fields"] == {"last_name": "Lim-Tan"}
    assert edit.payload["seen"]["last_name"].endswith(" " + _first_upsert(ho, event, edit.entity))
    assert _people(ho, event)["A1"][1] == "Lim-Tan"


def _first_upsert(ho: Database, event: events.Event, attendee_id: str) -> str:
    log = EventLog(ho, event.event_id).after(0, -1)
    return next(op.op_id for _, op in log if op.entity == attendee_id)


def test_a_broken_file_imports_nothing_and_names_the_line(ho: Database) -> None:
    event = events.add(ho, "a", "Event A", "2026-12-08")
    broken = ROSTER + b"A1,Dup,Licate,,\n"
    with pytest.raises(CsvError, match="line 5"):
        importing.import_attendees(ho, event, broken)
    assert _people(ho, event) == {}
    assert EventLog(ho, event.event_id).high() == 1


def test_a_sync_token_reaches_one_event_and_a_revoked_one_nothing(ho: Database) -> None:
    event = events.add(ho, "a", "Event A", "2026-12-08")
    with pytest.raises(ValueError, match="one event"):
        tokens.create(ho, "sync", "north", None)
    token = tokens.create(ho, "sync", "north", event.event_id)
    holder = tokens.holder(ho, token)
    assert holder is not None and (holder.role, holder.event_id) == ("sync", event.event_id)
    assert tokens.holder(ho, token + "x") is None
    assert tokens.revoke(ho, holder.token_id)
    assert tokens.holder(ho, token) is None


def test_a_room_change_queues_one_mail_per_registered_attendee_with_an_address(
    ho: Database,
) -> None:
    event = events.add(ho, "a", "Event A", "2026-12-08", timezone="Asia/Jakarta", language="id")
    importing.import_attendees(ho, event, ROSTER)
    ids = {r[0]: r[1] for r in ho.execute("SELECT code, attendee_id FROM attendee")}
    with ho.transaction():
        events.record(ho, event, [
            ("room_set", "melati", {"fields": {"name": "Melati", "capacity": 80}}),
            ("room_set", "anggrek", {"fields": {"name": "Anggrek", "capacity": 200}}),
            ("session_set", "s1", {"fields": {"title": "Keynote", "starts_at":
                                              "2026-12-08T09:00:00+07:00", "room_id": "melati"}}),
            ("registration_add", "s1", {"attendee_ids": [ids["A1"], ids["A2"], ids["A3"]]}),
            ("registration_cancel", "s1", {"attendee_ids": [ids["A2"]]}),
            ("notification_queued", "s1", {"kind": "room_change", "change_op_id": "x",
                                           "at": "2026-12-08T08:00:00Z", "from_room": "melati",
                                           "to_room": "anggrek", "recipients": 2}),
        ])  # fmt: skip
    rows = ho.execute("SELECT attendee_id, address, language, facts, status FROM mail").fetchall()
    # A2 cancelled the sign-up; A3 has no address.
    assert [(r[0], r[1], r[2], r[4]) for r in rows] == [
        (ids["A1"], "ana@example.com", "id", "queued")]  # fmt: skip
    facts = json.loads(rows[0][3])
    assert (facts["session_title"], facts["from_room"], facts["to_room"], facts["first_name"]) == (
        "Keynote", "Melati", "Anggrek", "Ana")  # fmt: skip
    with ho.transaction():  # folding the whole log again queues nothing twice
        log = [op for _, op in EventLog(ho, event.event_id).after(0, -1)]
        fold.rebuild(ho, event.event_id, log)
    assert ho.execute("SELECT count(*) FROM mail").fetchone()[0] == 1
