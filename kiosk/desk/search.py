"""Staff search over names, e-mails, companies and codes (SQLite FTS5 over folded text).

Broad prefixes ("a", "ng") match too many people to rank in a keystroke's time; those are
answered from `search_word`, a B-tree of folded name words, in word order. Names are indexed
under their other Latin spellings too (Kim and Gim for 김, Yuko for ゆうこ: textfold). When a
query finds fewer people than asked for, a typed word of 5+ letters may also match name words
one typo away, found through `search_typo` in a few B-tree probes; those come after.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable

from kiosk.desk.textfold import fold, fold_variants, name_variants
from kiosk.replication.fold import index_attendees

INDEXED = ("first_name", "last_name", "email", "company", "code")  # what `index_row` reads
MAX_LIMIT = 100
MAX_QUERY = 200
# Above this many matches, ranking them all costs more than a keystroke may: use name words.
RANK_AT_MOST = 2000
TYPO_FROM = 5  # a typed word this long may carry one typo (shorter ones match too much)


def index_row(row: sqlite3.Row | dict) -> tuple:
    """The search row for one attendee: (rowid, name, email, company, code), all folded."""
    name = f"{row['first_name']} {row['last_name']}"
    return (
        row["id"],
        name_variants(name),
        fold_variants(row["email"]),
        fold_variants(row["company"]),
        fold_variants(row["code"] or ""),
    )


def word_rows(index: Iterable[tuple]) -> list[tuple[str, int]]:
    """(word, id) pairs of the name words of search rows, for `search_word`."""
    return [(word, entry[0]) for entry in index for word in set(entry[1].split())]


def typo_keys(word: str) -> set[str]:
    """The word and every form of it with one letter dropped: two words one typo apart share
    one of these (a letter missing, one too many, one wrong, or two swapped)."""
    return {word} | {word[:i] + word[i + 1 :] for i in range(len(word))}


def typo_rows(words: Iterable[str]) -> list[tuple[str, str]]:
    """(key, word) rows of `search_typo` for name words (see migration 0011)."""
    rows = []
    for word in words:
        if len(word) >= TYPO_FROM:
            rows += [(key, word) for key in typo_keys(word)]
        elif len(word) == TYPO_FROM - 1:  # a typed word with one letter too many finds it
            rows.append((word, word))
    return rows


def one_typo(typed: str, word: str) -> bool:
    """Whether two different words are one letter missing, extra, wrong or swapped apart."""
    if typed == word or abs(len(typed) - len(word)) > 1:
        return False
    if len(typed) != len(word):
        short, long = sorted((typed, word), key=len)
        return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))
    diff = [i for i, (a, b) in enumerate(zip(typed, word, strict=True)) if a != b]
    return len(diff) == 1 or (
        len(diff) == 2 and diff[1] == diff[0] + 1 and typed[diff[0]] == word[diff[1]]
        and typed[diff[1]] == word[diff[0]]
    )  # fmt: skip


def near_words(db: sqlite3.Connection, typed: str) -> list[str]:
    """Name words one typo away from a typed word of 5+ letters."""
    if len(typed) < TYPO_FROM:
        return []
    keys = sorted(typo_keys(typed))
    found = db.execute(
        f"SELECT DISTINCT word FROM search_typo WHERE key IN ({','.join('?' * len(keys))})",  # noqa: S608
        keys,
    )
    return sorted(w for (w,) in found if one_typo(typed, w))


def add(db: sqlite3.Connection, rows: list[sqlite3.Row | dict]) -> None:
    """Indexes attendees that have no search rows yet."""
    index = [index_row(row) for row in rows]
    db.executemany(
        "INSERT INTO attendee_fts (rowid, name, email, company, code) VALUES (?, ?, ?, ?, ?)",
        index,
    )
    words = word_rows(index)
    db.executemany("INSERT INTO search_word (word, id) VALUES (?, ?)", words)
    db.executemany(
        "INSERT OR IGNORE INTO search_typo (key, word) VALUES (?, ?)",
        typo_rows({w for w, _ in words}),
    )


def reindex(db: sqlite3.Connection, attendee_ids: list[str]) -> None:
    """Rewrites these attendees' search rows from the attendee table, a page in a few
    statements (a synced page of edits reindexes its attendees at once)."""
    rows = db.execute(
        f"SELECT id, {', '.join(INDEXED)} FROM attendee"  # noqa: S608
        " WHERE attendee_id IN (SELECT value FROM json_each(?))",
        (json.dumps(attendee_ids),),
    ).fetchall()
    ids = json.dumps([row["id"] for row in rows])
    old = [w for (w,) in db.execute(
        "SELECT DISTINCT word FROM search_word WHERE id IN (SELECT value FROM json_each(?))",
        (ids,))]  # fmt: skip
    db.execute("DELETE FROM attendee_fts WHERE rowid IN (SELECT value FROM json_each(?))", (ids,))
    db.execute("DELETE FROM search_word WHERE id IN (SELECT value FROM json_each(?))", (ids,))
    add(db, rows)
    # A word nobody else has any more leaves the typo keys too: the index holds names only.
    gone = [w for (w,) in db.execute(
        "SELECT value FROM json_each(?) WHERE NOT EXISTS"
        " (SELECT 1 FROM search_word WHERE word = value)", (json.dumps(old),))]  # fmt: skip
    db.executemany("DELETE FROM search_typo WHERE key = ? AND word = ?", typo_rows(gone))


def forget(db: sqlite3.Connection, attendee_ids: list[str]) -> None:
    """Reindexes erased attendees now and merges the full-text index, whose older segments
    would otherwise keep their words in the file until a later merge."""
    reindex(db, attendee_ids)
    db.execute("INSERT INTO attendee_fts (attendee_fts) VALUES ('optimize')")


def _term(word: str, near: Iterable[str] = ()) -> str:
    # The exact word as well as the prefix: José ranks above Josefina for "jose".
    return "(" + " OR ".join([f'"{word}"', f'"{word}"*', *(f'"{n}"' for n in near)]) + ")"


def match_expression(query: str) -> str | None:
    """An FTS5 query where every typed word must prefix-match some indexed word."""
    words = fold(query[:MAX_QUERY]).split()
    return " AND ".join(_term(w) for w in words) if words else None


def _typo_expression(db: sqlite3.Connection, words: list[str]) -> str | None:
    """Like `match_expression`, each long word also matching name words one typo away; None
    when no word has any."""
    near = [near_words(db, w) for w in words]
    if not any(near):
        return None
    return " AND ".join(_term(w, n) for w, n in zip(words, near, strict=True))


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
    typos = _typo_expression(db, words) if len(rows) < limit else None
    if typos is not None:
        seen = {r["id"] for r in rows}
        rows += [r for r in _ranked(db, typos, limit) if r["id"] not in seen][: limit - len(rows)]
    exact = db.execute("SELECT * FROM attendee WHERE code = ?", (query.strip(),)).fetchone()
    if exact is not None:
        rows = [exact, *[r for r in rows if r["id"] != exact["id"]]][:limit]
    return rows


# The fold writes the attendee table; the index follows it from inside the same transaction.
index_attendees(reindex, add, ("attendee_fts", "search_word", "search_typo"), INDEXED)
