"""What an attendee reads when their session moves room, in English and Bahasa Indonesia."""

from __future__ import annotations

from datetime import UTC, datetime

from kiosk.headoffice import mailtext
from tests.headoffice.maildb import FACTS


def test_english_mail_says_which_session_moved_where_and_when() -> None:
    text = mailtext.room_change(FACTS, "en")
    assert text.subject == "Room change: Async in practice"
    assert text.body.startswith("Hello Ana,\n")
    assert 'The session "Async in practice" at PyCon ID 2026 has moved' in text.body
    # 02:30 UTC is 09:30 in Jakarta: people read the time of the place they are in.
    assert "When: Tuesday 8 December 2026, 09:30–10:15 WIB\n" in text.body
    assert "Was in: Hall A\nNow in: Room 2\n" in text.body


def test_indonesian_mail_writes_dates_and_times_as_indonesians_do() -> None:
    text = mailtext.room_change(FACTS, "id")
    assert text.subject == "Pindah ruang: Async in practice"
    assert text.body.startswith("Halo Ana,\n")
    assert 'Sesi "Async in practice" di PyCon ID 2026 pindah ke ruang lain.' in text.body
    assert "Waktu: Selasa, 8 Desember 2026, 09.30–10.15 WIB\n" in text.body
    assert "Ruang semula: Hall A\nRuang baru: Room 2\n" in text.body


def test_times_follow_the_events_zone_and_name_it() -> None:
    makassar = mailtext.room_change({**FACTS, "timezone": "Asia/Makassar"}, "id")
    assert "10.30–11.15 WITA" in makassar.body
    # A zone without a short name shows its offset rather than a made-up abbreviation.
    singapore = mailtext.room_change({**FACTS, "timezone": "Asia/Singapore"}, "en")
    assert "10:30–11:15 UTC+08" in singapore.body


def test_another_language_gets_english_and_a_missing_name_a_plain_greeting() -> None:
    text = mailtext.room_change({**FACTS, "first_name": ""}, "fr")
    assert text.subject == "Room change: Async in practice"
    assert text.body.startswith("Hello,\n")


def test_a_title_with_line_breaks_cannot_add_headers() -> None:
    facts = {**FACTS, "session_title": "Talk\r\nBcc: everyone@example.org"}
    text = mailtext.room_change(facts, "en")
    mail = mailtext.message(text, sender="noreply@pycon.example",
                            to=mailtext.recipient(facts, "ana@example.org"),
                            message_id="<n1.a1@kiosk.invalid>", language="en",
                            date=datetime(2026, 12, 3, tzinfo=UTC))  # fmt: skip
    assert mail["Bcc"] is None
    assert mail["Subject"] == "Room change: Talk Bcc: everyone@example.org"
