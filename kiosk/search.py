"""Staff search over names, e-mails, companies and codes (SQLite FTS5 over folded text).

Broad prefixes ("a", "ng") match too many people to rank in a keystroke's time; those are
answered from `search_word`, a B-tree of folded name words, in word order.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable

from kiosk.textfold import fold, fold_variants

MAX_LIMIT = 100
MAX_QUERY = 200
# Above this many matches, ranking them all costs more than a keystroke may: use name words.
RANK_AT_MOST = 2000


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


def word_rows(index: Iterable[tuple]) -> list[tuple[str, int]]:
    """(word, id) pairs of the name words of search rows, for `search_word`."""
    return [(word, entry[0]) for entry in index for word in set(entry[1].split())]


def add(db: sqlite3.Connection, rows: list[sqlite3.Row | dict]) -> None:
    """Indexes attendees that have no search rows yet."""
    index = [index_row(row) for row in rows]
    db.executemany(
        "INSERT INTO attendee_fts (rowid, name, email, company, code) VALUES (?, ?, ?, ?, ?)",
        index,
    )
    db.executemany("INSERT INTO search_word (word, id) VALUES (?, ?)", word_rows(index))


def reindex(db: sqlite3.Connection, attendee_id: str) -> None:
    """Rewrites one attendee's search rows from the attendee table."""
    row = db.execute(
        "SELECT id, first_name, last_name, email, company, code FROM attendee"
        " WHERE attendee_id = ?",
        (attendee_id,),
    ).fetchone()
    if row is None:
        return
    db.execute("DELETE FROM attendee_fts WHERE rowid = ?", (row["id"],))
    db.execute("DELETE FROM search_word WHERE id = ?", (row["id"],))
    add(db, [row])


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must prefix-match some indexed word."""
    words = fold(query[:MAX_QUERY]).split()
    if not words:
        return None
    # The exact word as well as the prefix: José ranks above Josefina for "jose".
    return " AND ".join(f'("{w}" OR "{w}"*)' for w in words)


def _ranked(db: sqlite3.Connection, expression: str, limit: int) -> list[sqlite3.Row]:
    # Rank on the index alone, then join the few winners: the join is the expensive part.
    # Column weights: a name hit beats a code hit beats an e-mail or company hit.
    return db.execute(
        "SELECT a.* FROM (SELECT rowid AS id, bm25(attendee_fts, 10.0, 3.0, 2.0, 5.0) AS rank"
        " FROM attendee_fts WHERE attendee_fts MATCH ? ORDER BY rank, rowid LIMIT ?) f"
        " JOIN attendee a ON a.id = f.id ORDER BY f.rank, f.id",
        (expression, limit),
    ).fetchall()


def _unranked(db: sqlite3.Connection, expression: str, limit: int) -> list[sqlite3.Row]:
    return db.execute(
        "SELECT a.* FROM (SELECT rowid AS id FROM attendee_fts WHERE attendee_fts MATCH ?"
        " LIMIT ?) f JOIN attendee a ON a.id = f.id",
        (expression, limit),
    ).fetchall()


def _by_name_word(db: sqlite3.Connection, prefix: str, limit: int) -> list[sqlite3.Row]:
    # Words sort after their prefix and before the prefix with its last letter bumped.
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    ids: dict[int, None] = {}
    for (found,) in db.execute(
        "SELECT id FROM search_word WHERE word >= ? AND word < ? ORDER BY word, id LIMIT ?",
        (prefix, upper, limit * 4),
    ):
        ids.setdefault(found)
        if len(ids) == limit:
            break
    rows = {r["id"]: r for r in db.execute(
        f"SELECT * FROM attendee WHERE id IN ({','.join('?' * len(ids))})", tuple(ids)  # noqa: S608
    )}  # fmt: skip
    return [rows[i] for i in ids if i in rows]


def _broad(db: sqlite3.Connection, expression: str) -> bool:
    return (
        db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM attendee_fts WHERE attendee_fts MATCH ? LIMIT ?)",
            (expression, RANK_AT_MOST + 1),
        ).fetchone()[0]
        > RANK_AT_MOST
    )


def find(db: sqlite3.Connection, query: str, limit: int = 20) -> list[sqlite3.Row]:
    """Attendees matching a typed query, best first; an exact code match comes first of all."""
    limit = max(1, min(limit, MAX_LIMIT))
    expression = match_expression(query)
    if expression is None:
        return []
    words = fold(query[:MAX_QUERY]).split()
    if len(words) == 1 and _broad(db, expression):
        rows = _by_name_word(db, words[0], limit)
        if len(rows) < limit:  # a broad e-mail or company prefix ("gmail"): any matches will do
            seen = {r["id"] for r in rows}
            rows += [r for r in _unranked(db, expression, limit * 2) if r["id"] not in seen]
            rows = rows[:limit]
    else:
        rows = _ranked(db, expression, limit)
    exact = db.execute("SELECT * FROM attendee WHERE code = ?", (query.strip(),)).fetchone()
    if exact is not None:
        rows = [exact, *[r for r in rows if r["id"] != exact["id"]]][:limit]
    return rows
