"""Reports for organisers: the check-in export and the desk's counters."""

from __future__ import annotations

import csv
import sqlite3
from typing import TextIO

EXPORT_COLUMNS = ("attendee_id", "code", "first_name", "last_name", "company", "ticket_type",
                  "status", "first_checkin_at", "desk", "checkins", "badge_prints")  # fmt: skip
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_EXPORT_SQL = """
WITH standing AS (
    SELECT c.* FROM checkin c
    WHERE NOT EXISTS (SELECT 1 FROM checkin_undo u WHERE u.checkin_op_id = c.op_id)
), first_arrival AS (
    SELECT attendee_id, at, desk, min(hlc) FROM standing GROUP BY attendee_id
), days AS (
    SELECT attendee_id, count(DISTINCT day) AS n FROM standing GROUP BY attendee_id
), prints AS (
    SELECT entity, count(*) AS n FROM op WHERE kind = 'badge_printed' GROUP BY entity
)
SELECT a.attendee_id, a.code, a.first_name, a.last_name, a.company, a.ticket_type,
       CASE WHEN e.attendee_id IS NULL THEN a.status ELSE 'erased' END,
       f.at, f.desk, coalesce(d.n, 0), coalesce(p.n, 0)
FROM attendee a
LEFT JOIN attendee_erasure e ON e.attendee_id = a.attendee_id
LEFT JOIN first_arrival f ON f.attendee_id = a.attendee_id
LEFT JOIN days d ON d.attendee_id = a.attendee_id
LEFT JOIN prints p ON p.entity = a.attendee_id
ORDER BY a.last_name COLLATE NOCASE, a.first_name COLLATE NOCASE, a.attendee_id
"""


def neutralise(value: object) -> object:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def export_checkins(db: sqlite3.Connection, out: TextIO) -> int:
    """Writes one row per attendee; `checkins` counts event days with an arrival.

    An erased attendee keeps their row, arrivals and prints, with `status` "erased".
    """
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(EXPORT_COLUMNS)
    count = 0
    for row in db.execute(_EXPORT_SQL):
        writer.writerow([neutralise(v if v is not None else "") for v in row])
        count += 1
    return count


def arrived_on(db: sqlite3.Connection, day: str) -> int:
    """People with a standing check-in on `day`; asked after every check-in at a desk.

    Everyone checked in that day, less those whose every check-in that day was undone: the
    second count starts from the few undos (CROSS JOIN keeps that order), so no check-in is
    probed for an undo.
    """
    people = db.execute("SELECT count(DISTINCT attendee_id) FROM checkin WHERE day = ?", (day,))
    undone = db.execute(
        "SELECT count(DISTINCT c.attendee_id) FROM checkin_undo u"
        " CROSS JOIN checkin c ON c.op_id = u.checkin_op_id WHERE c.day = ? AND NOT EXISTS"
        " (SELECT 1 FROM checkin s WHERE s.attendee_id = c.attendee_id AND s.day = c.day"
        " AND NOT EXISTS (SELECT 1 FROM checkin_undo v WHERE v.checkin_op_id = s.op_id))",
        (day,),
    )
    return people.fetchone()[0] - undone.fetchone()[0]


def counters(db: sqlite3.Connection, day: str) -> dict[str, int]:
    """Headline numbers for the desk: registered, arrived today, arrived at all."""
    registered = db.execute("SELECT count(*) FROM attendee WHERE status = 'valid'").fetchone()[0]
    return {"registered": registered, "arrived_today": arrived_on(db, day)}
