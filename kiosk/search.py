"""Staff search over names, e-mails, companies and codes (SQLite FTS5 over folded text)."""

from __future__ import annotations

import sqlite3

from kiosk.textfold import fold, fold_variants

MAX_LIMIT = 100
MAX_QUERY = 200


def reindex(db: sqlite3.Connection, attendee_id: str) -> None:
    """Rewrites one attendee's search row from the attendee table."""
    row = db.execute(
        "SELECT id, first_name, last_name, email, company, code FROM attendee"
        " WHERE attendee_id = ?",
        (attendee_id,),
    ).fetchone()
    if row is None:
        return
    db.execute("DELETE FROM attendee_fts WHERE rowid = ?", (row["id"],))
    db.execute(
        "INSERT INTO attendee_fts (rowid, name, email, company, code) VALUES (?, ?, ?, ?, ?)",
        index_row(row),
    )


def index_row(row: sqlite3.Row | dict) -> tuple:
    """The search row for one attendee: (rowid, name, email, company, code), all folded."""
    name = f"{row['first_name']} {row['last_name']}"
    return (
        row["id"],
        fold_variants(name),
        fold_variants(row["email"]),
        fold_variants(row["company"]),
        fold_variants(row["code"] or ""),
    )


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must prefix-match some indexed word."""
    words = fold(query[:MAX_QUERY]).split()
    if not words:
        return None
    return " AND ".join(f'"{w}"*' for w in words)


def find(db: sqlite3.Connection, query: str, limit: int = 20) -> list[sqlite3.Row]:
    """Attendees matching a typed query, best first; an exact code match comes first of all."""
    limit = max(1, min(limit, MAX_LIMIT))
    expression = match_expression(query)
    if expression is None:
        return []
    rows = db.execute(
        "SELECT a.* FROM attendee_fts f JOIN attendee a ON a.id = f.rowid"
        # Column weights: a name hit beats a code hit beats an e-mail or company hit.
        " WHERE attendee_fts MATCH ? ORDER BY bm25(attendee_fts, 10.0, 3.0, 2.0, 5.0), a.id"
        " LIMIT ?",
        (expression, limit),
    ).fetchall()
    exact = db.execute("SELECT * FROM attendee WHERE code = ?", (query.strip(),)).fetchone()
    if exact is not None:
        rows = [exact, *[r for r in rows if r["id"] != exact["id"]]][:limit]
    return rows
