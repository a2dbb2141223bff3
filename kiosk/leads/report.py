"""A sponsor's report: its leads with notes, its booth's traffic per hour, and the audience of
its track's sessions — counts only, since attendees agreed to share themselves with a booth,
not their session choices.
"""

from __future__ import annotations

import csv
import sqlite3
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import TextIO

from kiosk.desk.event import load as load_event
from kiosk.desk.reports import neutralise
from kiosk.leads import capture
from kiosk.leads.sponsors import Sponsor

CSV_COLUMNS = ("first_name", "last_name", "company", "email", "rating", "note", "answers",
               "visits", "first_visit", "last_visit")  # fmt: skip


@dataclass(frozen=True)
class TrackSession:
    """One session of the sponsor's track: who signed up and who came in through its door."""

    title: str
    day: str
    starts_at: str
    signed_up: int
    came: int


@dataclass(frozen=True)
class Report:
    sponsor: Sponsor
    leads: list[capture.Lead]
    traffic: list[tuple[str, int]]  # (local "YYYY-MM-DD HH:00", scans), in time order
    sessions: list[TrackSession]


def lead_count(db: sqlite3.Connection, sponsor_id: str) -> int:
    return db.execute("SELECT count(*) FROM lead WHERE sponsor_id = ?", (sponsor_id,)).fetchone()[0]


def traffic(db: sqlite3.Connection, sponsor_id: str) -> list[tuple[str, int]]:
    """Badge scans at the booth per event-local hour."""
    zone = load_event(db).zone
    hours: Counter[str] = Counter()
    for (at,) in db.execute("SELECT at FROM lead_visit WHERE sponsor_id = ?", (sponsor_id,)):
        local = datetime.fromisoformat(at.replace("Z", "+00:00")).astimezone(zone)
        hours[local.strftime("%Y-%m-%d %H:00")] += 1
    return sorted(hours.items())


def track_sessions(db: sqlite3.Connection, track: str) -> list[TrackSession]:
    """The sessions of a track with sign-ups and door entries (distinct people)."""
    if not track:
        return []
    rows = db.execute(
        "SELECT s.title, s.day, s.starts_at,"
        " (SELECT count(*) FROM registration g JOIN attendee a USING (attendee_id)"
        "  WHERE g.session_id = s.session_id AND g.status = 'registered' AND a.status = 'valid'),"
        " (SELECT count(DISTINCT d.attendee_id) FROM door_scan d"
        "  WHERE d.session_id = s.session_id AND d.direction = 'in')"
        " FROM session s WHERE s.track = ? COLLATE NOCASE ORDER BY s.starts_at, s.title",
        (track,),
    )
    return [TrackSession(*row) for row in rows]


def build(db: sqlite3.Connection, sponsor: Sponsor) -> Report:
    """Everything the sponsor's report shows."""
    return Report(sponsor, capture.for_sponsor(db, sponsor.sponsor_id),
                  traffic(db, sponsor.sponsor_id), track_sessions(db, sponsor.track))  # fmt: skip


def write_csv(db: sqlite3.Connection, sponsor: Sponsor, out: TextIO) -> int:
    """The sponsor's leads as CSV, formula cells neutralised; returns how many."""
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    leads = capture.for_sponsor(db, sponsor.sponsor_id)
    for lead in leads:
        answers = "; ".join(f"{q}: {a}" for q, a in lead.answers.items())
        writer.writerow([neutralise(v) for v in (
            lead.first_name, lead.last_name, lead.company, lead.email, lead.rating or "",
            lead.note, answers, lead.visits, lead.first_at, lead.last_at)])  # fmt: skip
    return len(leads)
