"""The pulling and pushing half of /sync/v1: one round of hello, push pages, pull pages, and
after a peer's restore a comparison of op ids (sync/reconcile.py).

Network I/O never happens inside a database transaction. Each pulled page is applied and its
cursor saved in one transaction, so a crash repeats at most one page, harmlessly.
A venue runs it: peer rows and cursors live in `Local.db`; ops are stored, settled and
compared through `Local.log`, as the serving half stores them.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sync import oplog, peers, reconcile
from sync.oplog import Op, OpError
from sync.protocol import DEFAULT_PAGE, PREFIX, SyncError, digest, encode
from sync.reconcile import MAX_VERIFY
from sync.server import Local, keep_one_copy, normalized
from sync.transport import Transport, read

log = logging.getLogger("sync")
# Told ("pull", done, total) after each pulled page: how far into the peer's log past our
# cursor we are, of how far its log went when it said hello (a first sync pulls it all).
Progress = Callable[[str, int, int], None]


def _quiet(step: str, done: int, total: int) -> None:
    """No one watches."""


@dataclass
class Round:
    """What one round did."""

    pushed: int = 0
    duplicates: int = 0
    pulled: int = 0
    new: int = 0
    reset: str = ""
    refused: int = 0  # ops the peer lacks but refuses from us (others' ops, from a non-relay)


def call(transport: Transport, method: str, name: str, body: Any = None,
         query: dict[str, str] | None = None) -> dict[str, Any]:  # fmt: skip
    """One request; a non-200 answer raises SyncError, no answer raises OSError."""
    data = None if body is None else encode(body, compress=True)
    gzip = data is not None and data[:2] == b"\x1f\x8b"
    reply = transport(method, f"{PREFIX}/{name}", query or {}, data, gzip)
    try:
        answer = json.loads(read(reply)) if reply.body else {}
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise OSError(f"peer answered {reply.status} with a body that is not JSON") from None
    if reply.status != 200:
        raise SyncError(reply.status, str(answer.get("error", "http")), str(answer.get("message")))
    if not isinstance(answer, dict):
        raise OSError("peer answered with JSON that is not an object")
    return answer


def own_acknowledged(db: sqlite3.Connection, node_id: str, push_after: int) -> int:
    """How many of our own ops a peer has acknowledged, by our push cursor."""
    return db.execute(
        "SELECT count(*) FROM op WHERE origin = ? AND seq <= ?", (node_id, push_after)
    ).fetchone()[0]


def _greet(local: Local, url: str, transport: Transport) -> tuple[peers.Peer, str, int]:
    """Hello; starts over with a peer whose log went back (restored, or another machine).

    Returns the peer, why we start over (or ""), and the top of the peer's log."""
    peer, reset = peers.load(local.db, url), ""
    body: dict[str, Any] = {"node_id": local.node_id, "machine": local.machine}
    if local.report is not None:
        body["status"] = {**local.report(url), "clock_ms": local.now_ms()}
    if peer.pull_op_id:
        body["cursor"] = {"seq": peer.pull_after, "op_id": peer.pull_op_id, "seal": peer.pull_seal}
    asked = local.now_ms()
    info = call(transport, "POST", "hello", body)
    if peer.node_id and info.get("node_id") != peer.node_id:
        reset = "another node answers at this address"
    elif peer.epoch and info.get("epoch") != peer.epoch:
        reset = "the peer's epoch changed (restored from backup?)"
    elif peer.pull_op_id and info.get("at_cursor", peer.pull_op_id) != peer.pull_op_id:
        reset = "the peer holds another op at our cursor (restored from a copy?)"
    elif int(info.get("high", 0)) < peer.pull_after:
        reset = "the peer's log is shorter than our cursor"
    elif int(info.get("held_from_you", 0)) < own_acknowledged(
        local.db, local.node_id, peer.push_after
    ):
        reset = "the peer lost ops it had acknowledged"
    fields: dict[str, Any] = {"node_id": str(info.get("node_id", "")),
                              "epoch": str(info.get("epoch", "")),
                              "peer_high": max(0, int(info.get("high", 0))),
                              "last_contact_at": peers.now_iso()}  # fmt: skip
    if type(info.get("server_time_ms")) is int:  # the peer's clock minus ours, mid-request
        fields["clock_offset_ms"] = info["server_time_ms"] - (asked + local.now_ms()) // 2
        if abs(fields["clock_offset_ms"]) > peers.CLOCK_TOLERANCE_MS:
            log.warning("this machine's clock is %.0f min %s the clock of %s: set it right",
                        abs(fields["clock_offset_ms"]) / 60_000,
                        "behind" if fields["clock_offset_ms"] > 0 else "ahead of", url)  # fmt: skip
    if reset:
        log.warning("sync with %s starts over: %s", url, reset)
        fields.update(pull_after=0, push_after=0, pull_op_id="", pull_seal="", reconcile=1)
    elif not peer.node_id and _made_by(local.db, fields["node_id"]):
        fields["reconcile"] = 1  # its ops reached us another way first: it may have lost some
    with local.transaction(local.db):
        peers.save(local.db, url, **fields)
        if info.get("role") == peers.HEAD_OFFICE:
            peers.note_headoffice(local.db, url, fields["node_id"])
            if reset:
                peers.drop_proof(local.db)  # what head office proved before may be gone
    return peers.load(local.db, url), reset, int(info.get("high", 0))


def _made_by(db: sqlite3.Connection, node_id: str) -> bool:
    """We hold an op this node made (normal push skips those: the peer made them)."""
    return (
        db.execute("SELECT 1 FROM op WHERE origin = ? LIMIT 1", (node_id,)).fetchone() is not None
    )


def outgoing(
    db: sqlite3.Connection, after: int, peer_node: str, limit: int
) -> tuple[list[Op], int]:
    """The next ops to push after our cursor, minus those the peer made or gave us.

    A peer holds those unless it was restored; then the comparison of op ids hands them back.
    """
    rows = db.execute(
        "SELECT seq, received_from, op_id, origin, hlc, kind, entity, payload FROM op"
        " WHERE seq > ? ORDER BY seq LIMIT ?",
        (after, limit),
    ).fetchall()
    if not rows:
        return [], after
    ops = [Op(*r[2:7], json.loads(r[7])) for r in rows if peer_node not in (r[1], r[3])]
    return ops, rows[-1][0]


def _push_page(local: Local, ops: list[Op], transport: Transport) -> dict[str, Any]:
    body = {"node_id": local.node_id, "ops": [op.to_dict() for op in ops]}
    return call(transport, "POST", "push", body)


def push_all(local: Local, peer: peers.Peer, transport: Transport, page: int, done: Round) -> None:
    """Pushes every op after the push cursor, a page at a time; halves pages on 413."""
    after = peer.push_after
    while True:
        ops, last = outgoing(local.db, after, peer.node_id, page)
        if last == after:
            return
        if ops:
            try:
                answer = _push_page(local, ops, transport)
            except SyncError as exc:
                if exc.status == 413 and page > 1:
                    page = max(1, page // 2)
                    continue
                raise
            done.pushed += int(answer.get("accepted", 0))
            done.duplicates += int(answer.get("duplicates", 0))
        copies = _checked(local, answer.get("copies", [])) if ops else []
        with local.transaction(local.db):
            copies = normalized(local, copies)
            keep_one_copy(local, copies, peer.node_id)  # the peer kept another copy: so do we
            peers.save(local.db, peer.url, push_after=last)
            peers.add_counts(local.db, peer.url, sent=len(ops))
        after = last


def _checked(local: Local, raw: Any) -> list[Op]:
    """Ops a peer sent, each checked as a pushed op is; a malformed one refuses them all."""
    if not isinstance(raw, list):
        raise OSError("peer answered ops that are not a list")
    try:
        ops = [oplog.parse(item) for item in raw]
        if local.check is not None:
            for op in ops:
                local.check(op)
        return ops
    except OpError as exc:
        raise SyncError(502, "bad_op", f"peer sent a malformed op: {exc}") from None


def _page_ops(local: Local, answer: dict[str, Any]) -> tuple[list[Op], int, bool]:
    raw, following = answer.get("ops"), str(answer.get("next", ""))
    if not isinstance(raw, list) or not following.isdigit():
        raise OSError("pull answer lacks ops or next")
    return _checked(local, raw), int(following), bool(answer.get("more"))


def pull_all(local: Local, peer: peers.Peer, transport: Transport, page: int, done: Round,
             progress: Progress = _quiet, high: int = 0) -> None:  # fmt: skip
    """Pulls pages after the pull cursor; each page and its cursor commit together."""
    after, more = peer.pull_after, True
    start = after
    while more:
        answer = call(transport, "GET", "pull", query={"after": str(after), "limit": str(page)})
        ops, following, more = _page_ops(local, answer)
        mark = (
            {"pull_op_id": ops[-1].op_id, "pull_seal": str(answer.get("seal", ""))} if ops else {}
        )
        with local.transaction(local.db):
            result = _apply_page(local, ops, peer.node_id)
            peers.save(local.db, peer.url, pull_after=following, **mark)
            peers.add_counts(local.db, peer.url, received=result)
        done.pulled += len(ops)
        done.new += result
        if following <= after and more:
            raise OSError("peer's cursor did not advance")
        after = following
        progress("pull", after - start, max(high, after) - start)


def _apply_page(local: Local, ops: list[Op], sender: str) -> int:
    """Inserts and applies a page inside the caller's transaction; returns how many were new.

    Ops held under the same id with other content are settled: we keep the copy every node
    keeps (the peer noted the other when we pushed ours).
    """
    ops = normalized(local, ops)
    new = local.log.insert_page(ops, sender)
    local.apply(local.db, new)
    taken = {op.op_id for op in new}
    keep_one_copy(local, [op for op in ops if op.op_id not in taken], sender)
    return len(new)


def sync_once(local: Local, url: str, transport: Transport, page: int = DEFAULT_PAGE,
              pull: bool = True, compare: bool = False,
              progress: Progress | None = None) -> Round:  # fmt: skip
    """One full round with a peer: hello, push what it lacks, pull what we lack.

    After the peer's log went back (or with `compare`, as `kiosk sync --final` does), op ids
    are compared too, so ops the peer lost come back to it whoever made them.
    """
    done = Round()
    try:
        peer, done.reset, high = _greet(local, url, transport)
        push_all(local, peer, transport, page, done)
        if pull:
            pull_all(local, peers.load(local.db, url), transport, page, done,
                     progress or _quiet, high)  # fmt: skip
        if compare or peers.load(local.db, url).reconcile:
            settle(local, peers.load(local.db, url), transport, page, done, pull)
    except (OSError, SyncError) as exc:
        with local.transaction(local.db):
            peers.save(local.db, url, last_error=_describe(exc))
        raise
    with local.transaction(local.db):
        peers.save(local.db, url, last_success_at=peers.now_iso(), last_error="")
    return done


def settle(local: Local, peer: peers.Peer, transport: Transport, page: int, done: Round,
           pull: bool) -> None:  # fmt: skip
    """Compares op ids with the peer; pushes what it lacks (any origin), re-pulls if we lack."""
    try:
        found = reconcile.compare(local.log, lambda name, body: call(transport, "POST", name, body))
    except SyncError as exc:
        if exc.status != 404:
            raise
        log.warning("%s cannot compare op ids (an older Kiosk): cursors only", peer.url)
        found = reconcile.Diff()
    ops = reconcile.ops_by_id(local.log, found.they_lack)
    accepted, done.refused = reconcile.offer(ops, lambda batch: _push_page(local, batch, transport),
                                             page)  # fmt: skip
    done.pushed += accepted
    if found.we_lack and pull:
        pull_all(local, peers.load(local.db, peer.url), transport, page, done)  # new since
        if skipped := reconcile.lacking(local.log, found.we_lack):  # behind our cursor: read again
            log.warning("we lack %d of %s's ops: pulling its log again", len(skipped), peer.url)
            with local.transaction(local.db):
                peers.save(local.db, peer.url, pull_after=0, pull_op_id="", pull_seal="")
            pull_all(local, peers.load(local.db, peer.url), transport, page, done)
    if pull or not found.we_lack:
        with local.transaction(local.db):
            peers.save(local.db, peer.url, reconcile=0)


def _describe(exc: Exception) -> str:
    text = exc.message if isinstance(exc, SyncError) else f"no answer ({type(exc).__name__})"
    return text[:200]


def pending(db: sqlite3.Connection, peer: peers.Peer) -> int:
    """Ops this peer has not acknowledged (and did not make or give us)."""
    return db.execute(
        "SELECT count(*) FROM op WHERE seq > ? AND coalesce(received_from, '') != ?"
        " AND origin != ?",
        (peer.push_after, peer.node_id, peer.node_id),
    ).fetchone()[0]


def prove(
    local: Local, transport: Transport
) -> tuple[int, str, int, str, list[str], int, str, bool]:
    """Both directions: which of all our op ids the peer holds, and the peer's own total.

    Returns (ours, digest, held, digest, missing, peer's count, peer's digest, same copies).
    The peer holds all ours if its held count and digest are ours; we hold all the peer's if
    they are its total. Same copies: the digest of the held ops' content is ours too, so a peer
    holding another copy under one of our ids does not prove it holds ours.
    """
    ops = oplog.all_ops(local.db)
    ids = [op.op_id for op in ops]
    held, total, copies, missing = 0, 0, 0, []
    for start in range(0, len(ids), MAX_VERIFY):
        answer = call(transport, "POST", "verify", {"op_ids": ids[start : start + MAX_VERIFY]})
        held += int(answer["held"])
        total = (total + int(str(answer["digest"]), 16)) % (1 << 64)
        copies = (copies + int(str(answer.get("copies", "0")), 16)) % (1 << 64)
        missing += [str(m) for m in answer.get("missing", [])]
    count, mine = digest(ids)
    root = call(transport, "POST", "missing", {"ranges": [{"prefix": "", "count": count,
                                                           "digest": mine}]})  # fmt: skip
    entry = next((r for r in root.get("ranges", []) if r.get("prefix") == ""), None)
    peer = (count, mine) if entry is None else (int(entry["count"]), str(entry["digest"]))
    same = digest(map(oplog.copy_key, ops))[1] == f"{copies:016x}"
    return count, mine, held, f"{total:016x}", missing, *peer, same
