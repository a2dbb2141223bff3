"""Attendee import: all or nothing, errors name the line, re-import writes only changes.

Reads what spreadsheets and ticketing systems write (kiosk.desk.sheets reads the file itself).
Besides our own column names it reads the attendee exports of Eventbrite and pretix, ignoring
the columns it has no use for (docs/import.md lists every accepted header).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, fields

from kiosk import clock
from kiosk.db import transaction
from kiosk.desk.attendees import arrivals, by_code
from kiosk.desk.checkin import clean_code, utc_iso
from kiosk.desk.event import load as load_event
from kiosk.desk.sheets import MAX_CELL, CsvError, read_rows
from kiosk.replication import basis, skew
from kiosk.replication.ids import ATTENDEE_ID_RULE, valid_attendee_id
from kiosk.replication.node import Node
from sync.ids import uuid7

TICKET_SYSTEM_DESK = "ticket system"  # the desk of arrivals a ticketing system already recorded
FIELDS = ("code", "first_name", "last_name", "email", "company", "ticket_type", "status",
          "note", "block_note", "share_email")  # fmt: skip

# Header (case-folded, '_' read as a space) -> our column.
ALIASES: dict[str, str] = {
    **{k: "attendee_id" for k in ("attendee id", "attendee #", "attendee no")},
    **{k: "code" for k in ("code", "barcode", "barcode #", "secret", "ticket code", "qr code",
                           "ticket secret", "confirmation code")},
    **{k: "first_name" for k in ("first name", "firstname", "given name",
                                 "attendee name: given name")},
    **{k: "last_name" for k in ("last name", "lastname", "family name", "surname",
                                "attendee name: family name")},
    **{k: "name" for k in ("name", "full name", "attendee name")},
    **{k: "email" for k in ("email", "e-mail", "email address", "attendee email",
                            "attendee e-mail")},
    **{k: "company" for k in ("company", "organisation", "organization", "company name",
                              "attendee company", "affiliation")},
    **{k: "ticket_type" for k in ("ticket type", "ticket", "product", "ticket category")},
    **{k: "status" for k in ("status", "attendee status", "order status")},
    **{k: "note" for k in ("note", "notes", "staff note")},
    **{k: "block_note" for k in ("block note", "blocked", "block reason")},
    **{k: "checked_in" for k in ("checked in",)},  # pretix: when; non-empty means arrived
    **{k: "share_email" for k in ("share email", "share e-mail", "consent", "email consent",
                                  "e-mail consent", "share email with sponsors")},
}  # fmt: skip
CANCELLED = {"cancelled", "canceled", "c", "refunded", "not attending", "deleted", "expired",
             "e", "void", "batal"}  # fmt: skip
VALID = {"valid", "", "attending", "paid", "p", "n", "pending", "confirmed", "completed",
         "complete", "active", "ok"}  # fmt: skip
ARRIVED = {"checked in", "checked-in", "arrived"}  # valid, and already at the venue
NOT_ARRIVED = {"", "no", "false", "0", "n", "tidak"}  # a checked_in cell that says "not yet"
AGREED = {"yes", "y", "true", "1", "ya", "x", "agreed"}  # a share_email cell: they agreed
REFUSED = NOT_ARRIVED | {"refused"}  # ... they did not (an empty cell: never asked)
# What a quoted cell may hold and folds to a space; any other control character is refused.
_LINE_BREAKS = "\t\n\r\v\f"
_CONTROL = {chr(c) for c in (*range(32), 127)} - set(_LINE_BREAKS)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Told (step, done, total) as a long import goes: "read" counts rows checked against the file's
# lines, "write" rows written. Every PROGRESS_ROWS rows: often enough for a bar, cheap beside.
Progress = Callable[[str, int, int], None]
PROGRESS_ROWS = 2000


def _quiet(step: str, done: int, total: int) -> None:
    """No one watches."""


@dataclass
class ImportReport:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    arrivals: int = 0
    ignored_columns: list[str] = field(default_factory=list)

    def add(self, part: ImportReport) -> None:
        """Counts what a part of the same import did (every counter, also ones added later)."""
        for counter in fields(self):
            if isinstance(value := getattr(part, counter.name), int):
                setattr(self, counter.name, getattr(self, counter.name) + value)


@dataclass(frozen=True)
class Row:
    """One checked CSV row: its line number, its key, and its values by our column name."""

    line: int
    attendee_id: str | None
    values: dict[str, str]
    arrived: bool = False


def _columns(header: list[str]) -> tuple[list[str | None], list[str]]:
    """Our column for each header cell (None: ignored), and the ignored headers, each once."""
    mapped: list[str | None] = []
    ignored: list[str] = []
    for cell in header:
        key = " ".join(cell.replace("_", " ").casefold().split())
        column = ALIASES.get(key)
        if column is not None and column in mapped:
            raise CsvError(f"line 1: two columns mean {column} (one is {cell!r})")
        mapped.append(column)
        label = " ".join(cell.split())
        if column is None and label and label not in ignored:
            ignored.append(label)
    have = set(mapped)
    if "code" not in have:
        raise CsvError("line 1: the header has no code column (the text in the QR code)")
    if "first_name" not in have and "name" not in have:
        raise CsvError("line 1: the header needs first_name (with last_name) or name")
    return mapped, ignored


def _status(value: str, line: int) -> tuple[str, bool]:
    """The status a cell means, and whether it says the attendee has already arrived."""
    folded = value.strip().casefold()
    if folded in CANCELLED:
        return "cancelled", False
    if folded in VALID:
        return "valid", False
    if folded in ARRIVED:
        return "valid", True
    raise CsvError(f"line {line}: status {value!r} is neither valid nor cancelled")


def _consent(value: str, line: int) -> str:
    """'yes', 'no' or '' (never asked) for a share_email cell."""
    folded = value.casefold()
    if not folded:
        return ""
    if folded in AGREED:
        return "yes"
    if folded in REFUSED:
        return "no"
    raise CsvError(f"line {line}: share_email {value!r} is neither yes nor no")


def _check_row(cells: dict[str, str], line: int) -> Row:
    for column, value in cells.items():
        if len(value) > MAX_CELL:
            raise CsvError(f"line {line}: {column} is longer than {MAX_CELL} characters")
        if column != "code" and not _CONTROL.isdisjoint(value):
            raise CsvError(f"line {line}: {column} contains control characters")
    raw_code = cells.get("code", "")
    code = clean_code(raw_code)
    if code is None:
        problem = "is empty" if not raw_code.strip() else "is not a readable code"
        raise CsvError(f"line {line}: code {problem}")
    values = {k: " ".join(v.split()) for k, v in cells.items() if k in FIELDS}
    values["code"] = code
    if "name" in cells and not (values.get("first_name") or values.get("last_name")):
        first, _, last = " ".join(cells["name"].split()).partition(" ")  # the parts win if given
        values["first_name"], values["last_name"] = first, last
    if not values.get("first_name"):
        raise CsvError(f"line {line}: the name is empty")
    if values.get("email") and not _EMAIL.match(values["email"]):
        raise CsvError(f"line {line}: {values['email']!r} is not an e-mail address")
    arrived = cells.get("checked_in", "").strip().casefold() not in NOT_ARRIVED
    if "status" in values:
        values["status"], said_arrived = _status(values["status"], line)
        arrived = arrived or said_arrived
    if "share_email" in values:
        values["share_email"] = _consent(values["share_email"], line)
    if "ticket_type" in values and not values["ticket_type"]:
        values["ticket_type"] = "Attendee"  # an empty cell is the default type, every time
    attendee_id = cells.get("attendee_id", "").strip() or None
    if attendee_id is not None and not valid_attendee_id(attendee_id):
        raise CsvError(f"line {line}: attendee_id {attendee_id!r} is not {ATTENDEE_ID_RULE}")
    if arrived and values.get("status") == "cancelled":
        arrived = False  # a cancelled ticket's old scan is history, not an arrival to keep
    return Row(line, attendee_id, values, arrived)


def parse(data: bytes, progress: Progress = _quiet) -> tuple[list[Row], list[str]]:
    """Reads and checks a whole file; raises CsvError naming the first bad line."""
    lines = max(data.count(b"\n"), 1)  # a bar's length: a quoted line break counts one more
    records = read_rows(data)
    mapped, ignored = _columns(next(records)[1])
    rows, seen_codes, seen_ids = [], {}, {}
    for start, cells in records:
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(mapped):
            raise CsvError(
                f"line {start}: {len(cells)} cells but the header has {len(mapped)} columns"
            )
        named = {col: cell for col, cell in zip(mapped, cells, strict=False) if col}
        row = _check_row(named, start)
        key = row.values["code"].casefold()
        if key in seen_codes:
            raise CsvError(
                f"line {start}: code {row.values['code']!r} is also on line {seen_codes[key]}"
            )
        seen_codes[key] = start
        if row.attendee_id:
            if row.attendee_id in seen_ids:
                raise CsvError(f"line {start}: attendee_id {row.attendee_id!r} is also"
                               f" on line {seen_ids[row.attendee_id]}")  # fmt: skip
            seen_ids[row.attendee_id] = start
        rows.append(row)
        if len(rows) % PROGRESS_ROWS == 0:
            progress("read", start, lines)
    progress("read", lines, lines)
    return rows, ignored


def apply_rows(
    db: sqlite3.Connection, node: Node, rows: list[Row], source: str = "import"
) -> ImportReport:
    """Writes one op per new or changed attendee (inside the caller's transaction)."""
    report = ImportReport()
    new: list[tuple[str, dict]] = []
    arrived: list[tuple[str, str]] = []  # (attendee id, code) of those the file says are here
    for row in rows:
        existing = _existing(db, row)
        if existing is None:
            fields = {**dict.fromkeys(FIELDS, ""), "status": "valid", "ticket_type": "Attendee",
                      **row.values,
                      "source": source}  # fmt: skip
            new.append((row.attendee_id or uuid7(), {"fields": fields, "source": source}))
            if row.arrived:
                arrived.append((new[-1][0], row.values["code"]))
            continue
        changed = {k: v for k, v in row.values.items() if existing[k] != v}
        if changed:  # like a desk edit: what it saw tells a correction from a concurrent edit
            saw = basis.of(existing["versions"], changed)
            node.record(db, "attendee_upsert", existing["attendee_id"],
                        {"fields": changed, "seen": saw, "source": source},
                        after=basis.after(saw))  # fmt: skip
            report.updated += 1
        else:
            report.unchanged += 1
        if row.arrived and not arrivals(db, existing["attendee_id"]):
            arrived.append((existing["attendee_id"], row.values["code"]))
    node.create_attendees(db, new)
    report.added = len(new)
    report.arrivals = _keep_arrivals(db, node, arrived)
    return report


def _keep_arrivals(db: sqlite3.Connection, node: Node, arrived: list[tuple[str, str]]) -> int:
    """One check-in op at the ticket system's desk for each attendee it already let in.

    An attendee with a check-in that stands gets none: re-importing the same file adds nothing.
    """
    now = skew.sane_now(db, clock.now())
    payload = {"at": utc_iso(now), "day": load_event(db).local_date(now).isoformat(),
               "desk": TICKET_SYSTEM_DESK, "staff": ""}  # fmt: skip
    for attendee_id, code in arrived:
        node.record(db, "checkin", attendee_id, {**payload, "code": code})
    return len(arrived)


def _existing(db: sqlite3.Connection, row: Row) -> sqlite3.Row | None:
    holder = by_code(db, row.values["code"])
    if row.attendee_id is None:
        return holder
    if holder is not None and holder["attendee_id"] != row.attendee_id:
        raise CsvError(
            f"line {row.line}: code {row.values['code']!r} already belongs to another attendee"
        )
    return db.execute("SELECT * FROM attendee WHERE attendee_id = ?", (row.attendee_id,)).fetchone()


def import_attendees(
    db: sqlite3.Connection, node: Node, data: bytes, progress: Progress = _quiet
) -> ImportReport:
    """Checks the whole file, then writes it in one transaction: all or nothing.

    Rows are written a part at a time (codes and ids are unique in a file, so no row's part
    sees another's) to tell `progress` how far the transaction has come.
    """
    rows, ignored = parse(data, progress)
    report = ImportReport(ignored_columns=ignored)
    with transaction(db):
        for start in range(0, len(rows), PROGRESS_ROWS):
            report.add(apply_rows(db, node, rows[start : start + PROGRESS_ROWS]))
            progress("write", min(start + PROGRESS_ROWS, len(rows)), len(rows))
    return report
