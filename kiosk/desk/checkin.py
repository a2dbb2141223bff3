"""Check-in: the pure decision for one scan, and recording it with its op in one transaction."""

from __future__ import annotations

import json
import sqlite3
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from kiosk import clock, groupcommit
from kiosk.db import transaction
from kiosk.desk import attendees
from kiosk.desk.attendees import Arrival
from kiosk.desk.event import Event, parse_valid_days
from kiosk.desk.event import load as load_event
from kiosk.operations import metrics
from kiosk.printing import queue as printing
from kiosk.printing import setup as print_setup
from kiosk.replication import skew
from kiosk.replication.node import Node
from sync.oplog import Op

MAX_CODE = 256


class Result(StrEnum):
    """Stable result codes: programs and tests rely on these, never on the wording."""

    CHECKED_IN = "checked_in"
    ALREADY_CHECKED_IN = "already_checked_in"
    CANCELLED = "cancelled"
    UNKNOWN_CODE = "unknown_code"
    NOT_VALID_NOW = "not_valid_now"
    BLOCKED = "blocked"


metrics.expect_scan_results([r.value for r in Result])  # /metrics shows 0 before the first


@dataclass(frozen=True)
class Ticket:
    """What the rules need of an attendee."""

    status: str
    block_note: str
    valid_days: frozenset[int] | None


@dataclass(frozen=True)
class Decision:
    """The outcome of the rules; `previous` is the earlier arrival for already_checked_in."""

    result: Result
    previous: Arrival | None = None
    note: str = ""

    @property
    def admitted(self) -> bool:
        return self.result is Result.CHECKED_IN


def clean_code(raw: str) -> str | None:
    """Scanner text without surrounding whitespace; None if it cannot be a ticket code."""
    code = raw.strip()
    if not code or len(code) > MAX_CODE:
        return None
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co") for ch in code):
        return None
    return code


def decide(
    ticket: Ticket | None, arrivals: list[Arrival], today: date, day_number: int | None
) -> Decision:
    """The check-in rules. Counts once per event day: a second scan the same day is refused."""
    if ticket is None:
        return Decision(Result.UNKNOWN_CODE)
    if ticket.status == "cancelled":
        return Decision(Result.CANCELLED)
    if ticket.block_note:
        return Decision(Result.BLOCKED, note=ticket.block_note)
    if ticket.valid_days is not None and day_number not in ticket.valid_days:
        return Decision(Result.NOT_VALID_NOW)
    same_day = [a for a in arrivals if a.day == today.isoformat()]
    if same_day:
        return Decision(Result.ALREADY_CHECKED_IN, previous=min(same_day, key=lambda a: a.at))
    return Decision(Result.CHECKED_IN)


@dataclass(frozen=True)
class ScanOutcome:
    """A recorded scan: the decision, who it was, and the check-in op if one was written."""

    decision: Decision
    attendee_id: str | None
    checkin_op_id: str | None
    code: str
    scan_id: int
    replayed: bool = False
    print_job_id: str | None = None  # a badge queued by this desk's auto-print
    attendee: sqlite3.Row | None = None  # as the rules saw it, for the answer
    arrivals: tuple[Arrival, ...] = ()  # arrivals that stand once this scan is saved


def utc_iso(now: datetime) -> str:
    """ISO 8601 UTC with milliseconds and a Z, as every `*_at` column holds."""
    return now.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _decide_for(
    event: Event, row: sqlite3.Row | None, now: datetime
) -> tuple[Decision, date, list[Arrival]]:
    """The decision for a TICKET_READ row, the event day, and the row's arrivals."""
    today = event.local_date(now)
    if row is None:
        return decide(None, [], today, None), today, []
    ticket = Ticket(row["status"], row["block_note"], parse_valid_days(row["valid_days"]))
    arrivals = attendees.arrivals_of(row)
    return decide(ticket, arrivals, today, event.day_number(today)), today, arrivals


# Asked about a code no attendee holds, inside the scan's transaction (kiosk.ticketing: a signed
# ticket that verifies offline). Answers a refusal, CHECKED_IN once it created the attendee who
# holds the code, or None (not its kind of code). Only unknown codes pay for it.
UnknownCode = Callable[[sqlite3.Connection, Node, str, datetime], Decision | None]
UNKNOWN_CODE: list[UnknownCode] = []


def _ask_unknown(db: sqlite3.Connection, node: Node, code: str, now: datetime) -> Decision | None:
    for ask in UNKNOWN_CODE:
        if (answer := ask(db, node, code, now)) is not None:
            return answer
    return None


class OpIdTaken(ValueError):
    """A client op_id that names another device's scan or another op: never reused."""


# One statement for all a scan reads: the first answer to its request_id if there was one
# (`replay`), whether that id names another op (`op_taken`), and the ticket (TICKET_READ).
_READ = (
    "SELECT (SELECT json_array(s.id, s.code, s.result, s.attendee_id, s.checkin_op_id,"  # noqa: S608
    " s.device, s.message) FROM scan s WHERE s.request_id = ?1) AS replay,"
    " EXISTS (SELECT 1 FROM op WHERE op_id = ?1) AS op_taken," + attendees.TICKET_READ
)


def _replay(db: sqlite3.Connection, read: sqlite3.Row, device: str) -> ScanOutcome | None:
    """The first answer to the scan's request_id, or None if the id is new."""
    if read["replay"] is None:
        if read["op_taken"]:
            raise OpIdTaken("this op_id names another operation")
        return None
    scan_id, code, result, attendee_id, checkin_op_id, sender, note = json.loads(read["replay"])
    if sender != device:  # a retry comes from the device that sent the first request
        raise OpIdTaken("this op_id names another device's scan")
    person = attendees.get(db, attendee_id) if attendee_id else None
    found = attendees.arrivals(db, attendee_id) if person else []
    decision = Decision(Result(result), note=note)
    if decision.result is Result.ALREADY_CHECKED_IN and person:
        decision = Decision(decision.result, previous=found[0] if found else None)
    return ScanOutcome(decision, attendee_id, checkin_op_id, code, scan_id, True,
                       attendee=person, arrivals=tuple(found))  # fmt: skip


def scan(
    db: sqlite3.Connection,
    node: Node,
    raw_code: str,
    *,
    desk: str = "",
    staff: str = "",
    request_id: str | None = None,
    device: str = "",
    now: datetime | None = None,
) -> ScanOutcome:
    """Decides and records one scan; the same request_id again returns the first answer.

    `device` names the sender ('token:<id>'); only it gets a replayed answer. Scans that arrive
    together are saved in one transaction (kiosk.groupcommit); each answers once it is durable.
    """
    now, started = now or clock.now(), time.perf_counter()
    scanned = _Scan(raw_code, clean_code(raw_code), desk, staff, request_id, device, now)
    outcome = groupcommit.run(db, lambda conn, memo: _record(conn, node, scanned, memo))
    if not outcome.replayed:
        metrics.scanned(outcome.decision.result.value, time.perf_counter() - started)
    if outcome.print_job_id and not outcome.replayed:
        printing.WAKE.set()
    return outcome


@dataclass(frozen=True)
class _Scan:
    """What arrived: the scanner's text, its cleaned code, and who sent it when."""

    raw: str
    code: str | None
    desk: str
    staff: str
    request_id: str | None
    device: str
    now: datetime


def _record(db: sqlite3.Connection, node: Node, s: _Scan, memo: dict[str, Any]) -> ScanOutcome:
    """The rules and the writes of one scan, inside the caller's write transaction.

    `memo` holds, for the whole transaction, what no scan changes: the event, each desk's
    printer setting, whether the clock has seen the newest stamp held, and how far this
    machine's clock is off head office's (its scans are timed by head office's clock).
    """
    read = db.execute(_READ, (s.request_id, s.code)).fetchone()
    if s.request_id is not None and (done := _replay(db, read, s.device)) is not None:
        return done
    row = read if read["attendee_id"] is not None else None
    event = memo.get("event") or memo.setdefault("event", load_event(db))
    if "skew" not in memo:
        memo["skew"] = skew.correction(db)
    now = s.now + memo["skew"]  # the arrival's time, shared with every node; the rest is local
    refusal = _ask_unknown(db, node, s.code, now) if row is None and s.code else None
    if refusal is not None and refusal.admitted:  # the attendee now exists: the usual rules
        again, refusal = db.execute(_READ, (s.request_id, s.code)).fetchone(), None
        row = again if again["attendee_id"] is not None else None
    decision, today, found = _decide_for(event, row, now)
    decision = refusal or decision
    attendee_id = row["attendee_id"] if row else None
    op = job_id = None
    if decision.admitted:
        payload = {"at": utc_iso(now), "day": today.isoformat(), "desk": s.desk,
                   "staff": s.staff, "code": s.code}  # fmt: skip
        op = node.record(db, "checkin", attendee_id, payload, op_id=s.request_id,
                         observe="observed" not in memo)  # fmt: skip
        memo["observed"] = True
        found.append(Arrival(op.op_id, payload["at"], payload["day"], s.desk, s.staff))
        key = f"desk:{s.desk}"
        setting = memo.get(key) or memo.setdefault(key, print_setup.desk_setting(db, s.desk))
        job_id = printing.auto_enqueue(db, attendee_id, setting, s.staff, s.now)
    cur = db.execute(
        "INSERT INTO scan (request_id, at, desk, staff, code, result, attendee_id,"
        " checkin_op_id, message, device) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (s.request_id, utc_iso(s.now), s.desk, s.staff, _printable(s.raw), decision.result.value,
         attendee_id, op.op_id if op else None, decision.note, s.device),
    )  # fmt: skip
    return ScanOutcome(decision, attendee_id, op.op_id if op else None, s.code or "",
                       cur.lastrowid, print_job_id=job_id, attendee=row,
                       arrivals=tuple(found))  # fmt: skip


def _printable(raw_code: str) -> str:
    """What was scanned, safe to store and show: at most 80 characters, valid UTF-8."""
    text = raw_code.strip()[:80] or "?"
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


class UndoError(LookupError):
    """An undo that cannot be done: `code` is not_found or already_undone."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def undo(
    db: sqlite3.Connection,
    node: Node,
    checkin_op_id: str,
    *,
    staff: str = "",
    reason: str = "",
    now: datetime | None = None,
) -> Op:
    """Cancels one check-in by writing an undo op that names it."""
    now = now or clock.now()
    with transaction(db):
        row = db.execute(
            "SELECT attendee_id, hlc FROM checkin WHERE op_id = ?", (checkin_op_id,)
        ).fetchone()
        if row is None:
            raise UndoError("not_found")
        if db.execute(
            "SELECT 1 FROM checkin_undo WHERE checkin_op_id = ?", (checkin_op_id,)
        ).fetchone():
            raise UndoError("already_undone")
        payload = {"checkin_op_id": checkin_op_id, "at": utc_iso(now), "staff": staff,
                   "reason": reason[:200]}  # fmt: skip
        return node.record(db, "checkin_undo", row["attendee_id"], payload, after=row["hlc"])
