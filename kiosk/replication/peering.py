"""The domain's side of sync: the apply callback, the background loop, and sync state.

The loop runs in one thread of `kiosk serve` with its own database connection. Network I/O
happens between transactions, never inside one, so a slow or dead link never holds up a scan.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import threading
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from kiosk.db import open_db, transaction
from kiosk.replication import copies, flagcount, fold, quarantine, scrub, skew
from kiosk.replication.node import fingerprint, load_node, rekey
from kiosk.version import kiosk_version
from sync import client, peers
from sync.protocol import DEFAULT_PAGE
from sync.retry import delays
from sync.server import Local
from sync.transport import HttpTransport, Transport

log = logging.getLogger("kiosk.sync")
_loops: dict[str, SyncLoop] = {}
_loops_guard = threading.Lock()


def local(db: sqlite3.Connection, config: Mapping[str, Any] | None = None) -> Local:
    """This database as a sync node: ops are applied by the domain's fold.

    `config` (the app's settings) says who may relay and how far ahead a stamp may be. The
    relays are the LAN peers in SYNC_RELAYS and head office: the node behind SYNC_PEER.
    """
    config = config or {}
    named = {n.strip() for n in str(config.get("SYNC_RELAYS", "")).split(",") if n.strip()}
    upstream = config.get("SYNC_PEER", "")
    if upstream and peers.load(db, upstream).node_id:
        named.add(peers.load(db, upstream).node_id)
    return Local(
        db,
        load_node(db).node_id,
        fold.apply_many,
        transaction,
        allow_relay=bool(config.get("SYNC_RELAY", True)),
        relays=frozenset(named),
        max_ahead_ms=int(config.get("SYNC_MAX_AHEAD_HOURS", 24) * 3_600_000),
        check=fold.check,
        machine=fingerprint(db),
        settled=copies.settled,
        report=lambda url: standing(db, url),
        normalize=scrub.normalize_held,  # an erased attendee's data is never stored again
        supersedes=scrub.supersedes,
    )


def standing(db: sqlite3.Connection, url: str) -> dict[str, Any]:
    """What this node tells the peer at `url` of itself in hello (head office's console)."""
    waiting = next((s.pending for s in peer_states(db) if s.url == url), None)
    if waiting is None:
        waiting = db.execute("SELECT count(*) FROM op").fetchone()[0]
    problems = {"flags_open": flagcount.open_count(db), "quarantined": quarantine.count(db)}
    return {"version": kiosk_version(), "pending_push": waiting, **problems}


def run_once(db: sqlite3.Connection, url: str, token: str, page: int = DEFAULT_PAGE,
             compare: bool = False,
             progress: client.Progress | None = None) -> client.Round:  # fmt: skip
    """One full round with a peer over HTTP; `compare`: also compare every op id (--final).

    `progress` is told how far a pull has come (`kiosk sync` draws it as a bar)."""
    if purged(db):
        raise client.SyncError(409, "purged", "Personal data was purged here; sync is off.")
    try:
        return client.sync_once(local(db), url, HttpTransport(url, token), page, compare=compare,
                                progress=progress)  # fmt: skip
    except client.SyncError as exc:
        if exc.code != "cloned_node":
            raise
        log.error("%s answered: %s This copy takes a new node id.", url, exc.message)
    rekey(db)  # an older copy that never noticed it was copied; its ops keep the old id
    return client.sync_once(local(db), url, HttpTransport(url, token), page, compare=compare,
                            progress=progress)  # fmt: skip


class SyncLoop(threading.Thread):
    """Syncs with one peer every `interval` seconds; backs off with jitter while it fails."""

    def __init__(
        self, path: str, url: str, token: str, interval: float, page: int = DEFAULT_PAGE
    ) -> None:
        super().__init__(name="kiosk-sync", daemon=True)
        self.path, self.url, self.token = path, url, token
        self.interval, self.page = interval, page
        self.stop = threading.Event()
        self.wake = threading.Event()

    def run(self) -> None:
        db = open_db(self.path, cache_mb=32)  # pulled pages are applied in bulk
        backoff = delays(rng=random.Random())
        while not self.stop.is_set():
            wait = self.interval
            try:
                done = run_once(db, self.url, self.token, self.page)
                backoff = delays(rng=random.Random())
                if done.pushed or done.pulled:
                    log.info("sync with %s: %d ops pushed, %d pulled (%d new here)", self.url,
                             done.pushed, done.pulled, done.new)  # fmt: skip
            except (OSError, client.SyncError) as exc:
                wait = next(backoff)
                log.warning("sync with %s failed (%s); next try in %.0f s", self.url,
                            type(exc).__name__, wait)  # fmt: skip
            except Exception:
                wait = next(backoff)
                log.exception("sync with %s failed unexpectedly", self.url)
            self.wake.wait(wait)
            self.wake.clear()
        db.close()


def start_background(path: str, url: str, token: str, interval: float) -> SyncLoop | None:
    """Starts the one loop of this process for a database (idempotent)."""
    if not url or not token:
        return None
    with _loops_guard:
        loop = _loops.get(path)
        if loop is None or not loop.is_alive():
            loop = _loops[path] = SyncLoop(path, url, token, interval)
            loop.start()
        return loop


@dataclass(frozen=True)
class PeerState:
    """One peer as the desk and the status API show it."""

    url: str
    node_id: str
    online: bool
    last_success_at: str | None
    last_contact_at: str | None
    last_error: str
    pending: int
    sent: int
    received: int
    clock_offset_ms: int | None  # the peer's clock minus ours at the last hello


def peer_states(db: sqlite3.Connection) -> list[PeerState]:
    """Every peer with how much it still lacks from us."""
    return [PeerState(p.url, p.node_id, not p.last_error and p.last_success_at is not None,
                      p.last_success_at, p.last_contact_at, p.last_error,
                      client.pending(db, p), p.sent, p.received, p.clock_offset_ms)
            for p in peers.all_peers(db)]  # fmt: skip


@dataclass(frozen=True)
class Final:
    """What `kiosk sync --final` found, both ways: our ops' count and digest and the peer's
    of those (what it holds of ours, which is also what we hold of its), and the peer's own."""

    count: int
    mine: str
    held: int
    theirs: str
    missing: list[str]
    peer_count: int
    peer_digest: str
    same_copies: bool  # the peer's ops under our ids have our content (one copy per op id)
    headoffice: bool

    @property
    def peer_has_ours(self) -> bool:
        """The peer holds every op held here."""
        return (self.count, self.mine) == (self.held, self.theirs)

    @property
    def we_have_theirs(self) -> bool:
        """Every op the peer holds is held here."""
        return (self.held, self.theirs) == (self.peer_count, self.peer_digest)

    @property
    def proven(self) -> bool:
        """Both, with one copy of each: the two nodes hold the same ops."""
        return self.peer_has_ours and self.we_have_theirs and self.same_copies


def final(db: sqlite3.Connection, url: str, transport: Transport) -> Final:
    """Asks the peer to prove by count and digest that it holds every op held here, and that
    it holds none that is not held here.

    A proof from head office (both ways) is kept: it is what lets `kiosk purge` go ahead.
    """
    top = db.execute("SELECT coalesce(max(seq), 0) FROM op").fetchone()[0]
    proof = client.prove(local(db), transport)
    known, node_id = peers.headoffice(db), peers.load(db, url).node_id
    found = Final(*proof, headoffice=known is not None and known[1] == node_id)
    if found.proven:
        with transaction(db):
            peers.save(db, url, verified_at=peers.now_iso())
            if found.headoffice:
                peers.save_proof(db, top)  # the peer holds all ids read after `top`
    return found


def headoffice_lacks(db: sqlite3.Connection) -> tuple[tuple[str, str] | None, int, int]:
    """Head office (url, node id) if known, the local ops it has not proven it holds, of all."""
    total = db.execute("SELECT count(*) FROM op").fetchone()[0]
    return peers.headoffice(db), peers.unproven(db), total


def unsynced(db: sqlite3.Connection) -> int:
    """Ops no peer has acknowledged: the best peer's pending count (all ops if none)."""
    states = peer_states(db)
    if not states:
        return db.execute("SELECT count(*) FROM op").fetchone()[0]
    return min(s.pending for s in states)


def status(db: sqlite3.Connection, configured_peer: str = "") -> dict[str, Any]:
    """Sync at a glance: the JSON of GET /api/v1/sync/status, also used by the desk."""
    states = peer_states(db)
    main = next((s for s in states if s.url == configured_peer), states[0] if states else None)
    offset = skew.headoffice_offset(db)
    return {
        "node_id": load_node(db).node_id,
        "configured": bool(configured_peer),
        "online": bool(main and main.online),
        "last_success_at": main.last_success_at if main else None,
        "pending_push": main.pending if main else unsynced(db),
        "problems": flagcount.open_count(db),
        "quarantined": quarantine.count(db),
        "divergent_ops": copies.count(db),
        "clock_offset_ms": offset,  # head office's clock minus ours; None until measured
        "clock_ok": not skew.wrong(offset),
        "peers": [asdict(s) for s in states],
    }


def purge_personal_data(db: sqlite3.Connection, fields: tuple[str, ...]) -> None:
    """Blanks personal fields in state and in the log (inside the caller's transaction).

    This is local only and never an op: head office keeps its copy. Sync stops afterwards,
    since this log no longer matches what its peers hold.
    """
    db.execute(f"UPDATE attendee SET {', '.join(f'{f} = ' + repr('') for f in fields)}")  # noqa: S608
    db.execute("DELETE FROM attendee_fts")
    db.execute("DELETE FROM search_word")  # folded name words are names too
    db.execute("DELETE FROM search_typo")
    paths = ", ".join(f"'$.fields.{f}'" for f in fields)
    db.execute(f"UPDATE op SET payload = json_remove(payload, {paths})"  # noqa: S608
               " WHERE kind = 'attendee_upsert'")  # fmt: skip
    db.execute(
        "UPDATE op SET payload = json_remove(payload, '$.name') WHERE kind = 'badge_printed'"
    )  # the name as printed on the badge
    marks = ", ".join("?" * len(fields))
    db.execute(f"UPDATE field_edit SET value = '\"\"' WHERE field IN ({marks})", fields)  # noqa: S608
    db.execute("UPDATE scan SET code = '', staff = ''")
    db.execute("INSERT OR REPLACE INTO sync_state (key, value) VALUES ('purged_at', ?)",
               (peers.now_iso(),))  # fmt: skip


def purged(db: sqlite3.Connection) -> bool:
    """True once personal data was purged: syncing would hand out a log that lies."""
    row = db.execute("SELECT 1 FROM sync_state WHERE key = 'purged_at'").fetchone()
    return row is not None
