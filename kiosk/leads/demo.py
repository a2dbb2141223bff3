"""The demo event's sponsors and a morning of leads at their booths."""

from __future__ import annotations

import hashlib
import random
import sqlite3
from datetime import datetime, timedelta

from kiosk.leads import capture, sponsors
from kiosk.replication.node import Node

SPONSORS = (
    ("Telkom Cloud Nusantara", "Cloud & Infrastructure",
     ["Which cloud do you run on today?", "Budget owner?"]),
    ("Bank Digital Merah Putih", "Fintech & Payments", ["Interested in QRIS for business?"]),
    ("Garuda AI Lab", "AI & Data", ["Hiring or buying?", "Team size?"]),
)  # fmt: skip
NOTES = ("Wants a demo next week", "Asked about pricing for 200 seats", "Student, career chat",
         "Already a customer: upsell to support plan", "Send the whitepaper", "")  # fmt: skip
SHARE_EMAIL_PERCENT = 45  # of demo attendees who agreed to share their e-mail with sponsors
LEADS_PER_SPONSOR = 25


def share_email(attendee_id: str) -> str:
    """A demo attendee's consent answer, the same for the same attendee on every run."""
    draw = int(hashlib.sha256(attendee_id.encode()).hexdigest()[:4], 16) % 100
    return "yes" if draw < SHARE_EMAIL_PERCENT else "no"


def load(db: sqlite3.Connection, node: Node, rng: random.Random, opening: datetime) -> None:
    """Sponsors, and leads of people already arrived, an hour or two after doors open.

    Each is its own small transaction (as at a booth), so call it after the demo's bulk one.
    """
    arrived = [r[0] for r in db.execute(
        "SELECT a.code FROM attendee a JOIN checkin c ON c.attendee_id = a.attendee_id"
        " ORDER BY a.attendee_id")]  # fmt: skip
    for name, track, questions in SPONSORS:
        found = sponsors.save(db, node, name, track, questions)
        for code in rng.sample(arrived, min(LEADS_PER_SPONSOR, len(arrived))):
            at = opening + timedelta(minutes=rng.randrange(60, 150))
            fields = capture.clean_fields(rng.choice((None, 3, 4, 5)), rng.choice(NOTES), {})
            capture.capture(db, node, found.sponsor_id, code, f"{name} booth", at, fields)
