"""Attendee CSV import: all or nothing, errors name the line, re-import writes only changes.

Besides our own column names it reads the attendee exports of Eventbrite and pretix
(docs/import.md lists every accepted header).
"""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field

from kiosk.attendees import by_code
from kiosk.checkin import clean_code
from kiosk.db import transaction
from kiosk.node import Node
from sync.ids import uuid7

MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_CELL = 200
FIELDS = ("code", "first_name", "last_name", "email", "company", "ticket_type", "status",
          "note", "block_note")  # fmt: skip

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
                              "attendee company")},
    **{k: "ticket_type" for k in ("ticket type", "ticket", "product", "ticket category")},
    **{k: "status" for k in ("status", "attendee status", "order status")},
    **{k: "note" for k in ("note", "notes", "staff note")},
    **{k: "block_note" for k in ("block note", "blocked", "block reason")},
}  # fmt: skip
CANCELLED = {"cancelled", "canceled", "c", "refunded", "not attending", "deleted", "expired",
             "e", "void", "batal"}  # fmt: skip
VALID = {"valid", "", "attending", "checked in", "paid", "p", "n", "pending", "confirmed",
         "completed", "complete", "active", "ok"}  # fmt: skip
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class CsvError(ValueError):
    """The file cannot be imported; nothing was written. The message names the line."""


@dataclass
class ImportReport:
    """What an import did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    ignored_columns: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Row:
    """One checked CSV row: its line number, its key, and its values by our column name."""

    line: int
    attendee_id: str | None
    values: dict[str, str]


def _decode(data: bytes) -> str:
    if len(data) > MAX_FILE_BYTES:
        raise CsvError(f"the file is larger than {MAX_FILE_BYTES // 2**20} MB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise CsvError(
            f"line {line}: the file is not UTF-8 text (save it as 'CSV UTF-8' and try again)"
        ) from None


def _columns(header: list[str]) -> tuple[list[str | None], list[str]]:
    mapped: list[str | None] = []
    ignored = []
    for cell in header:
        key = " ".join(cell.replace("_", " ").casefold().split())
        column = ALIASES.get(key)
        if column in mapped:
            raise CsvError(f"line 1: two columns mean {column} (one is {cell!r})")
        mapped.append(column)
        if column is None and cell.strip():
            ignored.append(cell.strip())
    have = set(mapped)
    if "code" not in have:
        raise CsvError("line 1: the header has no code column (the text in the QR code)")
    if "first_name" not in have and "name" not in have:
        raise CsvError("line 1: the header needs first_name (with last_name) or name")
    if "name" in have and ({"first_name", "last_name"} & have):
        raise CsvError("line 1: use either name or first_name/last_name, not both")
    return mapped, ignored


def _status(value: str, line: int) -> str:
    folded = value.strip().casefold()
    if folded in CANCELLED:
        return "cancelled"
    if folded in VALID:
        return "valid"
    raise CsvError(f"line {line}: status {value!r} is neither valid nor cancelled")


def _check_row(cells: dict[str, str], line: int) -> Row:
    for column, value in cells.items():
        if len(value) > MAX_CELL:
            raise CsvError(f"line {line}: {column} is longer than {MAX_CELL} characters")
        if column != "code" and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
            raise CsvError(f"line {line}: {column} contains control characters")
    raw_code = cells.get("code", "")
    code = clean_code(raw_code)
    if code is None:
        problem = "is empty" if not raw_code.strip() else "is not a readable code"
        raise CsvError(f"line {line}: code {problem}")
    values = {k: " ".join(v.split()) for k, v in cells.items() if k in FIELDS}
    values["code"] = code
    if "name" in cells:
        first, _, last = " ".join(cells["name"].split()).partition(" ")
        values["first_name"], values["last_name"] = first, last
    if not values.get("first_name"):
        raise CsvError(f"line {line}: the name is empty")
    if values.get("email") and not _EMAIL.match(values["email"]):
        raise CsvError(f"line {line}: {values['email']!r} is not an e-mail address")
    if "status" in values:
        values["status"] = _status(values["status"], line)
    if "ticket_type" in values and not values["ticket_type"]:
        values["ticket_type"] = "Attendee"  # an empty cell is the default type, every time
    attendee_id = cells.get("attendee_id", "").strip() or None
    return Row(line, attendee_id, values)


def read_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    """Every CSV record with the line it starts on (the header is line 1), any import's reader.

    UTF-8 with or without BOM, comma or semicolon (whichever the header uses more); a broken
    record raises CsvError naming the line where it starts.
    """
    text = _decode(data)
    if not text.strip():
        raise CsvError("line 1: the file is empty (a header row is required)")
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    line = 1
    try:
        for cells in reader:
            start, line = line, reader.line_num + 1
            yield start, cells
    except csv.Error as exc:  # the record that starts on `line` never ended properly
        hint = " (a quote that is never closed?)" if "end of data" in str(exc) else ""
        raise CsvError(f"line {line}: {exc}{hint}") from None


def parse(data: bytes) -> tuple[list[Row], list[str]]:
    """Reads and checks a whole file; raises CsvError naming the first bad line."""
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
    return rows, ignored


def apply_rows(
    db: sqlite3.Connection, node: Node, rows: list[Row], source: str = "import"
) -> ImportReport:
    """Writes one op per new or changed attendee (inside the caller's transaction)."""
    report = ImportReport()
    new: list[tuple[str, dict]] = []
    for row in rows:
        existing = _existing(db, row)
        if existing is None:
            fields = {**dict.fromkeys(FIELDS, ""), "status": "valid", "ticket_type": "Attendee",
                      **row.values,
                      "source": source}  # fmt: skip
            new.append((row.attendee_id or uuid7(), {"fields": fields, "source": source}))
            continue
        changed = {k: v for k, v in row.values.items() if existing[k] != v}
        if changed:
            node.record(db, "attendee_upsert", existing["attendee_id"],
                        {"fields": changed, "source": source})  # fmt: skip
            report.updated += 1
        else:
            report.unchanged += 1
    node.create_attendees(db, new)
    report.added = len(new)
    return report


def _existing(db: sqlite3.Connection, row: Row) -> sqlite3.Row | None:
    holder = by_code(db, row.values["code"])
    if row.attendee_id is None:
        return holder
    if holder is not None and holder["attendee_id"] != row.attendee_id:
        raise CsvError(
            f"line {row.line}: code {row.values['code']!r} already belongs to another attendee"
        )
    return db.execute("SELECT * FROM attendee WHERE attendee_id = ?", (row.attendee_id,)).fetchone()


def import_attendees(db: sqlite3.Connection, node: Node, data: bytes) -> ImportReport:
    """Checks the whole file, then writes it in one transaction: all or nothing."""
    rows, ignored = parse(data)
    with transaction(db):
        report = apply_rows(db, node, rows)
    report.ignored_columns = ignored
    return report
