"""Head office erases one attendee on request and purges events past their retention, on
SQLite and PostgreSQL alike."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

from kiosk.cli import main
from kiosk.headoffice import events, importing, retention, tokens
from kiosk.headoffice.database import Database, close_held
from kiosk.headoffice.eventlog import EventLog
from kiosk.headoffice.web import create_app

ROSTER = (b"code,first_name,last_name,email,company\n"
          b"A1,Ana,Lim,ana@example.com,Acme\n"
          b"A2,Budi,Santoso,budi@example.com,Kopi Co\n")  # fmt: skip
ANA = ("Ana", "Lim", "ana@example.com", "Acme")


def _cli(url: str, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["headoffice", "--database", url, *args])
    return result.exit_code, result.output


def _row(ho: Database, code: str) -> tuple:
    return tuple(ho.execute("SELECT first_name, last_name, email, company, note, erased_at"
                            " FROM attendee WHERE code = ?", (code,)).fetchone())  # fmt: skip


def _log_holds(ho: Database, event: events.Event, *texts: str) -> list[str]:
    payloads = [json.dumps(op.payload, ensure_ascii=False)
                for _, op in EventLog(ho, event.event_id).after(0, -1)]  # fmt: skip
    return [t for t in texts if any(t in p for p in payloads)]


def _mail(ho: Database, event: events.Event) -> None:
    """A room change that queues mail for both attendees; Budi's is sent already."""
    ids = dict(ho.execute("SELECT code, attendee_id FROM attendee WHERE event_id = ?",
                          (event.event_id,)).fetchall())  # fmt: skip
    with ho.transaction():
        events.record(ho, event, [
            ("session_set", "s1", {"fields": {"title": "Keynote", "room_id": "melati"}}),
            ("registration_add", "s1", {"attendee_ids": [ids["A1"], ids["A2"]]}),
            ("notification_queued", "s1", {"kind": "room_change", "from_room": "melati",
                                           "to_room": "anggrek", "recipients": 2}),
        ])  # fmt: skip
        ho.execute("UPDATE mail SET status = 'sent' WHERE attendee_id = ?", (ids["A2"],))


def test_an_erasure_at_head_office_blanks_the_person_their_log_and_their_unsent_mail(
    ho: Database, ho_database_url: str
) -> None:
    event = events.add(ho, "jcon", "JCon", "2026-12-08")
    importing.import_attendees(ho, event, ROSTER)
    _mail(ho, event)
    code, output = _cli(ho_database_url, "erase", "--event", "jcon", "--code", "A1",
                        "--by", "Dewi (privacy)", "--reason", "request 2026-41")  # fmt: skip
    assert code == 0, output
    assert _row(ho, "A1")[:5] == ("", "", "", "", "") and _row(ho, "A1")[5]
    assert _row(ho, "A2")[:2] == ("Budi", "Santoso")
    assert _log_holds(ho, event, *ANA) == []
    erase = EventLog(ho, event.event_id).after(0, -1)[-1][1]
    assert (erase.kind, erase.payload["by"], erase.payload["reason"]) == (
        "attendee_erase", "Dewi (privacy)", "request 2026-41")  # fmt: skip
    mail = ho.execute("SELECT address, status FROM mail ORDER BY address").fetchall()
    assert [tuple(r) for r in mail] == [("budi@example.com", "sent")]  # Ana's was never sent
    # The same file imported again, and a second request, bring nothing back.
    importing.import_attendees(ho, event, ROSTER)
    assert _row(ho, "A1")[:4] == ("", "", "", "") and _log_holds(ho, event, *ANA) == []
    code, output = _cli(ho_database_url, "erase", "--event", "jcon", "--code", "A1", "--by", "D")
    assert code != 0 and "erased already" in output


def test_retention_purges_only_events_past_their_last_day_and_retention(
    ho: Database, ho_database_url: str
) -> None:
    old = events.add(ho, "old", "Old Conf", "2026-10-01", days=3, retention_days=30)
    recent = events.add(ho, "recent", "Recent Conf", "2026-11-20", days=2, retention_days=30)
    forever = events.add(ho, "kept", "Kept Conf", "2026-01-01")  # no retention: kept
    for event in (old, recent, forever):
        importing.import_attendees(ho, event, ROSTER)
    _mail(ho, old)
    # 2026-12-03: old ended 2026-10-03, kept until 2026-11-02; recent is kept until 2026-12-21.
    now = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    [dry] = retention.run(ho, now, dry_run=True)
    assert (dry.slug, str(dry.until), dry.attendees, dry.mail) == ("old", "2026-11-02", 2, 1)
    assert dry.ops >= 2
    assert _log_holds(ho, old, *ANA) == list(ANA)  # a dry run changes nothing
    assert events.get(ho, old.event_id).purged_at is None

    [done] = retention.run(ho, now)
    assert done == dry
    people = ho.execute("SELECT event_id, first_name FROM attendee ORDER BY event_id, code")
    assert [tuple(r) for r in people] == [
        (old.event_id, ""), (old.event_id, ""), (recent.event_id, "Ana"),
        (recent.event_id, "Budi"), (forever.event_id, "Ana"), (forever.event_id, "Budi"),
    ]  # fmt: skip
    assert _log_holds(ho, old, *ANA, "Budi") == []
    [(address, facts)] = ho.execute("SELECT address, facts FROM mail").fetchall()  # Budi's, sent
    assert address == "" and "Budi" not in facts and json.loads(facts)["session_title"] == "Keynote"
    assert events.get(ho, old.event_id).purged_at
    assert retention.run(ho, now) == []  # once only
    with pytest.raises(events.EventError, match="purged"):  # nor does the roster come back
        importing.import_attendees(ho, events.get(ho, old.event_id), ROSTER)
    code, output = _cli(ho_database_url, "retention", "--dry-run")
    assert code == 0 and "No event is past its retention" in output, output


def test_a_venue_of_a_purged_event_is_refused_with_the_reason(
    ho: Database, ho_database_url: str
) -> None:
    event = events.add(ho, "old", "Old Conf", "2026-10-01", retention_days=0)
    token = tokens.create(ho, "sync", "north", event.event_id)
    retention.run(ho, datetime(2026, 12, 3, tzinfo=UTC))
    client = create_app(ho_database_url).test_client()
    answer = client.post("/sync/v1/hello", json={"node_id": "north-1"},
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    close_held(ho_database_url)  # the app's connection in this thread
    assert answer.status_code == 409
    assert answer.json["error"] == "purged"
    assert "purged at head office on 2026-12-03" in answer.json["message"]
