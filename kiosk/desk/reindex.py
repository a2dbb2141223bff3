"""The search index follows the folding rules of the Kiosk that runs, also after an upgrade.

Search rows hold names as folded when they were written. When folding changes (0.1.0 indexed
박수빈 as "bag su bin" only; later Kiosks also as Park, Pak, Bak and Subin; a new anyascii may
read a letter differently), a database written by the older Kiosk no longer finds people
under spellings a fresh install finds. So the index keeps a fingerprint of the rules it was
written with: how they fold a set of sample names in every script the folding treats apart.
On start, a database whose fingerprint differs is reindexed once.
"""

from __future__ import annotations

import hashlib
import sqlite3

from kiosk.desk.search import index_row, reindex
from kiosk.replication.node import get_setting, put_setting
from kiosk.replication.peering import purged

SETTING = "search_rules"
BATCH = 5000  # attendees reindexed per statement group
# Names (and an e-mail, a company, a code) that exercise each rule: accents, Icelandic and
# Vietnamese letters, joiners, Han, Hangul and kana, Cyrillic, Greek, Arabic, Thai, Devanagari.
SAMPLES = (
    ("José", "Guðmundsdóttir"), ("Nguyễn Thị", "Minh Khai"), ("Seán", "O'Brien-Ó Dálaigh"),
    ("王小明", ""), ("박수빈", ""), ("김", "하은"), ("きょうこ", "さとう"), ("ユウコ", "タナカ"),
    ("Алёна", "Щербакова"), ("Αθηνά", "Παπαδοπούλου"), ("محمد", "الفارسي"), ("สมชาย", "ใจดี"),
    ("अनन्या", "शर्मा"), ("Zoë", "Łukasiewicz"), ("İlkay", "Gündoğan"), ("Dũng", "Trần"),
)  # fmt: skip


def fingerprint() -> str:
    """What today's folding makes of the samples, as a short hash."""
    rows = [index_row({"id": n, "first_name": first, "last_name": last, "company": f"{last} AG",
                       "email": f"{first}.{last}@example.org", "code": f"KÖ-{n}"})
            for n, (first, last) in enumerate(SAMPLES)]  # fmt: skip
    return hashlib.sha256(repr(rows).encode()).hexdigest()[:16]


def stale(db: sqlite3.Connection) -> bool:
    """Whether the index was written under other rules than today's (or is not known to be)."""
    return get_setting(db, SETTING) != fingerprint()


def refresh(db: sqlite3.Connection) -> int:
    """Reindexes every attendee if the index was written under other rules (inside the
    caller's transaction); returns how many were reindexed."""
    if not stale(db):
        return 0
    # After a purge the index is empty on purpose: nothing personal is indexed again.
    ids = [] if purged(db) else [r[0] for r in db.execute("SELECT attendee_id FROM attendee")]
    for start in range(0, len(ids), BATCH):
        reindex(db, ids[start : start + BATCH])
    put_setting(db, SETTING, fingerprint())
    return len(ids)
