"""The serving half of /sync/v1 as plain functions: hello, push, pull, verify and missing.

Any node serves these (head office and venue machines alike). A web framework only has to
authenticate the caller, name the node it speaks for, and pass the bytes through `handle`.
They reach storage only through `Local.log` (a `sync.store.Log`): a venue's SQLite file by
default, or one event of head office's shared database.
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

from sync import admission, oplog, reconcile
from sync.hlc import MAX_AHEAD_MS, wall_ms
from sync.oplog import Op, OpError
from sync.protocol import (
    DEFAULT_PAGE,
    MAX_BODY,
    MAX_PAGE,
    PROTOCOL,
    ProtocolError,
)
from sync.protocol import decode as decode_body
from sync.sqlitelog import SqliteLog
from sync.store import Log

log = logging.getLogger("sync")
# Applies ops just stored (in the order given) inside the log's transaction: a whole page at
# once, so the domain can write a batch in bulk. Its first argument is `Local.db`.
Apply = Callable[[Any, list[Op]], None]
Transaction = Callable[[Any], AbstractContextManager[Any]]
# The domain's check of one op by its kind; raises OpError for an op it must never apply.
Check = Callable[[Op], None]


@dataclass
class Local:
    """This node as sync sees it: its database, id, how to write, and the domain's apply.

    `db` is what the domain's callbacks are handed; `log` is the storage sync serves from
    (by default the op log in `db`, a venue's SQLite connection, written in `transaction`).
    """

    db: Any
    node_id: str
    apply: Apply
    transaction: Transaction
    allow_relay: bool = True
    # Nodes whose tokens may push ops of other origins: head office and LAN peers named as relays.
    relays: frozenset[str] = frozenset()
    max_ahead_ms: int = MAX_AHEAD_MS
    now_ms: Callable[[], int] = wall_ms
    max_body: int = MAX_BODY
    check: Check | None = None
    machine: str = ""  # this node's machine fingerprint, sent in hello
    # How this node stands (version, ops waiting for the peer at `url`, open problems), told
    # to the peer in hello so head office's console shows it; None: tells nothing.
    report: Callable[[str], dict[str, Any]] | None = None
    after_ingest: list[Callable[[list[Op]], None]] = field(default_factory=list)
    # Told of the copies `keep_one_copy` set aside, and whether a held copy was replaced (the state
    # must be folded again); None: this node keeps no state of its own beyond the log.
    settled: Callable[[Any, list[Op], bool], None] | None = None
    # The domain's form of ops about to be stored, pushed or pulled, given what this node
    # holds (`db`): e.g. without the personal data of someone erased here. The same ops, in
    # the same order; None: as they came.
    normalize: Callable[[Any, list[Op]], list[Op]] | None = None
    # Whether copy `a` is copy `b` in that later form (made by a node that knew more): then
    # `a` is kept wherever they meet, and the two are one op, not two copies recorded twice.
    supersedes: Callable[[Op, Op], bool] | None = None
    log: Log = None  # type: ignore[assignment]  # None: SqliteLog(db, transaction)

    def __post_init__(self) -> None:
        if self.log is None:
            self.log = SqliteLog(self.db, self.transaction)


@dataclass(frozen=True)
class Request:
    """One protocol request, stripped of HTTP: `device` is the authenticated caller's node."""

    method: str
    path: str
    query: dict[str, str]
    body: bytes = b""
    encoding: str | None = None
    token_id: int | None = None  # None: an in-process caller, trusted to name itself


def _caller(body: Any) -> str:
    node_id = body.get("node_id") if isinstance(body, dict) else None
    if not isinstance(node_id, str) or not 0 < len(node_id) <= 64:
        raise ProtocolError(400, "bad_request", "node_id must be a string of 1-64 characters.")
    return node_id


def bind(local: Local, token_id: int | None, node_id: str) -> None:
    """A sync token speaks for the first node id it names, and for no other (403)."""
    if token_id is None or local.log.device_node(token_id) == node_id:
        return
    with local.log.transaction():
        if not local.log.bind_device(token_id, node_id):
            raise ProtocolError(403, "wrong_node", "This token is bound to another node:"
                                " each machine needs its own sync token.")  # fmt: skip


def bind_machine(local: Local, body: dict[str, Any], node_id: str) -> None:
    """One node id, one machine: a second machine under a known id is a copied database (409)."""
    machine = body.get("machine")
    if machine is None or machine == "":
        return  # a node of an older version, or one without a database file
    if not isinstance(machine, str) or len(machine) > 64:
        raise ProtocolError(400, "bad_request", "machine must be at most 64 characters.")
    with local.log.transaction():
        if local.log.bind_machine(node_id, machine):
            return
    log.warning("two machines say hello as node %s: its database was copied", node_id)
    raise ProtocolError(
        409, "cloned_node",
        f"Another machine already syncs as node {node_id}: this database is a copy of it."
        " Each machine must sync under its own id: Kiosk takes a new one by itself (with an"
        " older Kiosk, set this machine up again from a fresh database).")  # fmt: skip


def hello(local: Local, body: Any, token_id: int | None = None) -> dict[str, Any]:
    """Who we are (and our role), our epoch and log height, how many of the caller's ops we hold.

    A caller that names its pull cursor (`cursor`: seq, op_id, seal) learns which op we hold
    at that seq now (`at_cursor`); another one means our log went back.
    """
    caller = _caller(body)
    bind_machine(local, body, caller)  # first: a refused copy leaves its token unbound
    bind(local, token_id, caller)
    high, held = local.log.high(), local.log.count_from(caller)
    epoch = local.log.ready_epoch()
    if epoch is None:
        with local.log.transaction():
            epoch = local.log.epoch()
    answer = {"protocol": PROTOCOL, "node_id": local.node_id, "epoch": epoch, "high": high,
              "held_from_you": held, "server_time_ms": wall_ms(),
              "role": local.log.role()}  # fmt: skip
    if body.get("cursor") is not None:
        answer["at_cursor"], answer["epoch"] = _at_cursor(local, body["cursor"], epoch, caller)
    return answer


def _at_cursor(local: Local, cursor: Any, epoch: str, caller: str) -> tuple[str, str]:
    """Our op at the caller's cursor, and our epoch: a new one if the caller proves (by our
    seal) that we held another op there. A file copied back keeps its epoch, so this is how
    such a restore shows, and then every peer compares op ids with us."""
    seq = cursor.get("seq") if isinstance(cursor, dict) else None
    fits = type(seq) is int and 0 <= seq < 2**62  # not a bool
    if not fits or not all(isinstance(cursor.get(k), str) and len(cursor[k]) <= 64
                           for k in ("op_id", "seal")):  # fmt: skip
        raise ProtocolError(400, "bad_request", 'cursor is {"seq", "op_id", "seal"}.')
    op_id = cursor["op_id"]
    now = local.log.op_at(seq) or ""
    sealed = local.log.seal(epoch, seq, op_id)
    if now != op_id and sealed and hmac.compare_digest(sealed.encode(), cursor["seal"].encode()):
        log.warning("%s held op %s at our seq %d, which is no longer there: this log went"
                    " back (copied back?); new epoch", caller, op_id, seq)  # fmt: skip
        with local.log.transaction():
            epoch = local.log.new_epoch()
    return now, epoch


def keep_one_copy(local: Local, ops: list[Op], sender: str | None, note: bool = False) -> list[Op]:
    """Ops already held with other content: every node keeps the same copy (oplog.settle_copies)
    and folds again what a replaced copy touched. Returns the copies now held for those ids.

    `note`: tell the domain of the copies set aside, so it records them for every node. The
    receiver of a push does (it sees both copies first: a round pushes before it pulls), so
    the sender learns of them in the same round.
    """
    kept, replaced, losers = oplog.settle_copies(local.log, ops, sender, local.supersedes)
    if (replaced or (note and losers)) and local.settled is not None:
        local.settled(local.db, losers if note else [], bool(replaced))
    if kept:
        log.warning("%d ops from %s differ from the copies held; every node keeps the same"
                    " copy (%d replaced here)", len(kept), sender, len(replaced))  # fmt: skip
    return kept


def normalized(local: Local, ops: list[Op]) -> list[Op]:
    """Ops as the domain stores them here (`Local.normalize`), inside the log's transaction."""
    return ops if local.normalize is None else local.normalize(local.db, ops)


def ingest(local: Local, ops: list[Op], sender: str | None) -> dict[str, Any]:
    """Inserts and applies the ops not yet held, all in one transaction.

    Ops held under the same id with other content are settled; the answer names them
    (`mismatched`) and gives the copy kept for each (`copies`), so the sender keeps it too;
    so it does for ops stored in another form than they came in (`normalize`).
    """
    with local.log.transaction():
        sent, ops = ops, normalized(local, ops)
        fresh = local.log.insert_page(ops, sender)
        taken = {op.op_id for op in fresh}
        local.apply(local.db, fresh)
        kept = keep_one_copy(local, [op for op in ops if op.op_id not in taken], sender, note=True)
        kept += [op for op, came in zip(ops, sent, strict=True) if op != came and op.op_id in taken]
    accepted, duplicates = len(fresh), len(ops) - len(fresh)
    for hook in local.after_ingest:
        hook(fresh)
    answer: dict[str, Any] = {"accepted": accepted, "duplicates": duplicates,
                              "mismatched": [op.op_id for op in kept]}  # fmt: skip
    if kept:
        answer["copies"] = [op.to_dict() for op in kept]
    return answer


def push(local: Local, body: Any, token_id: int | None = None) -> dict[str, Any]:
    """Receives a batch: refused whole if anything is wrong, else stored once per op_id."""
    sender, ops = admission.parse_batch(body, local.check)
    try:
        admission.check_stamps(local, ops)
    except OpError as exc:
        raise ProtocolError(400, "bad_op", f"{exc}. Nothing was applied.") from None
    bind(local, token_id, sender)
    admission.check_origins(local, sender, ops, token_id)
    return ingest(local, ops, sender)


def _int_arg(query: dict[str, str], name: str, default: int, top: int, least: int = 0) -> int:
    raw = query.get(name) or ""
    if raw == "":
        return default
    if not (raw.isascii() and raw.isdigit()) or not least <= int(raw) <= top:  # not '²' or '٣'
        raise ProtocolError(400, "bad_query", f"{name} must be a whole number {least} to {top}.")
    return int(raw)


def pull(local: Local, query: dict[str, str]) -> dict[str, Any]:
    """A page of our log after the caller's cursor, in our local order."""
    after = _int_arg(query, "after", 0, 2**62)
    limit = _int_arg(query, "limit", DEFAULT_PAGE, MAX_PAGE, least=1)
    rows = local.log.after(after, limit + 1)
    page = rows[:limit]
    following = page[-1][0] if page else after
    answer = {"ops": [op.to_dict() for _, op in page], "next": str(following),
              "more": len(rows) > limit}  # fmt: skip
    epoch = local.log.ready_epoch()
    if page and epoch is not None:  # the caller shows it in hello, to prove our log went back
        answer["seal"] = local.log.seal(epoch, following, page[-1][1].op_id)
    return answer


def handle(local: Local, request: Request) -> tuple[int, dict[str, Any]]:
    """Routes one request; every refusal becomes (status, {"error", "message"})."""
    route = (request.method.upper(), request.path.rstrip("/").rsplit("/", 1)[-1])
    try:
        if route == ("GET", "pull"):
            return 200, pull(local, request.query)
        body = decode_body(request.body, request.encoding, local.max_body) if request.body else {}
        if route == ("POST", "push"):
            return 200, push(local, body, request.token_id)
        if route == ("POST", "hello"):
            return 200, hello(local, body, request.token_id)
        if route == ("POST", "verify"):
            return 200, reconcile.verify(local.log, body)
        if route == ("POST", "missing"):
            return 200, reconcile.missing(local.log, body)
        raise ProtocolError(404, "not_found", "No such sync endpoint.")
    except ProtocolError as exc:
        return exc.status, {"error": exc.code, "message": exc.message}
