"""Which op ids two nodes lack, by digests of op-id ranges: POST /sync/v1/missing.

A restored peer forgot ops that it had handed out, so cursors cannot say what it lacks. Both
sides then compare their sets of op ids, as CouchDB's `_revs_diff` does, but by range: the
caller sends the count and digest of its ids under an op-id prefix, and the peer answers only
for prefixes that differ, with its own ids there (when few) or the digests of the next
characters. A healthy pair agrees at the root in one request; a restored one lists only the
ranges written since its backup (op ids are UUIDv7, so a prefix is a stretch of time).
Both halves read op ids through a `sync.store.Log`, so head office serves them as a venue does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sync.oplog import Op, copy_key
from sync.protocol import ProtocolError, SyncError, digest
from sync.store import Log

log = logging.getLogger("sync")
MAX_VERIFY = 20_000  # op ids per verify request
MAX_RANGES = 64  # prefixes per request
LIST_AT = 256  # a peer lists its ids under a prefix holding at most this many
_ID_CHARS = frozenset("0123456789abcdefABCDEF-")
# One request to the peer: name and JSON body in, JSON answer out (SyncError if refused).
Call = Callable[[str, dict[str, Any]], dict[str, Any]]


def summary(ids: list[str]) -> dict[str, Any]:
    """Count and digest of some op ids, as a range carries them."""
    count, value = digest(ids)
    return {"count": count, "digest": value}


def _common(first: str, last: str) -> str:
    """The longest prefix of two sorted ids: every id between them shares it."""
    size = 0
    while size < min(len(first), len(last)) and first[size] == last[size]:
        size += 1
    return first[:size]


def _ranges(body: Any) -> list[dict[str, Any]]:
    ranges = body.get("ranges") if isinstance(body, dict) else None
    fits = isinstance(ranges, list) and len(ranges) <= MAX_RANGES and all(
        isinstance(r, dict) and isinstance(r.get("prefix"), str) and len(r["prefix"]) <= 36
        and set(r["prefix"]) <= _ID_CHARS and type(r.get("count")) is int
        and isinstance(r.get("digest"), str) for r in ranges)  # fmt: skip
    if not fits:
        raise ProtocolError(400, "bad_missing", 'Send {"ranges": [{"prefix", "count", "digest"}]},'
                            f" at most {MAX_RANGES}, prefixes of op-id characters.")  # fmt: skip
    return ranges  # type: ignore[return-value]


def missing(store: Log, body: Any) -> dict[str, Any]:
    """Serves a comparison: for each prefix whose count or digest differs, what we hold there."""
    answer = []
    for theirs in _ranges(body):
        prefix = theirs["prefix"]
        ids = store.ids_under(prefix)
        mine = summary(ids)
        if (mine["count"], mine["digest"]) == (theirs["count"], theirs["digest"]):
            continue
        entry: dict[str, Any] = {"prefix": prefix, **mine}
        if len(ids) <= LIST_AT:
            entry["ids"] = ids
        else:
            common = _common(ids[0], ids[-1])
            entry["common"] = common
            entry["children"] = {c: [s["count"], s["digest"]]
                                 for c, s in _children(ids, len(common)).items()}  # fmt: skip
        answer.append(entry)
    return {"ranges": answer}


def _children(ids: list[str], size: int) -> dict[str, dict[str, Any]]:
    grouped: dict[str, list[str]] = {}
    for op_id in ids:
        grouped.setdefault(op_id[: size + 1], []).append(op_id)
    return {child: summary(group) for child, group in grouped.items()}


def verify(store: Log, body: Any) -> dict[str, Any]:
    """Which of the named op ids we hold, with the count and digest of those: proof of receipt."""
    ids = body.get("op_ids") if isinstance(body, dict) else None
    if (
        not isinstance(ids, list)
        or len(ids) > MAX_VERIFY
        or not all(isinstance(i, str) for i in ids)
    ):
        raise ProtocolError(400, "bad_verify", f'Send {{"op_ids": [...]}}, at most {MAX_VERIFY}.')
    held = store.held_ids(ids)
    count, value = digest(held)
    copies = [copy_key(op) for start in range(0, len(ids), 500)
              for op in store.held_ops(ids[start : start + 500])]  # fmt: skip
    return {
        "held": count,
        "digest": value,
        "missing": [i for i in ids if i not in held][:100],
        "copies": digest(copies)[1],
    }  # the held ops' content: one copy under each id


@dataclass
class Diff:
    """What the comparison found: ids only we hold, and ids only the peer holds."""

    they_lack: set[str] = field(default_factory=set)
    we_lack: set[str] = field(default_factory=set)


def compare(store: Log, call: Call) -> Diff:
    """Walks down the op-id prefixes where we and the peer differ; both directions at once."""
    found, queue = Diff(), [""]
    while queue:
        batch, queue = queue[:MAX_RANGES], queue[MAX_RANGES:]
        mine = {prefix: store.ids_under(prefix) for prefix in batch}
        answer = call("missing", {"ranges": [{"prefix": p, **summary(mine[p])} for p in batch]})
        try:
            differing = {str(r["prefix"]): r for r in answer["ranges"]}
            for prefix, entry in differing.items():
                queue += _descend(found, mine.get(prefix, []), entry)
        except (KeyError, TypeError, ValueError, AttributeError):
            raise OSError("the peer's missing answer is malformed") from None
    return found


def _descend(found: Diff, ours: list[str], entry: dict[str, Any]) -> list[str]:
    """Takes in one differing range; returns the longer prefixes still to compare."""
    if "ids" in entry:
        theirs = {str(i) for i in entry["ids"]}
        found.they_lack |= set(ours) - theirs
        found.we_lack |= theirs - set(ours)
        return []
    common, children = str(entry["common"]), entry["children"]
    grouped: dict[str, list[str]] = {}
    for op_id in ours:
        if op_id.startswith(common):
            grouped.setdefault(op_id[: len(common) + 1], []).append(op_id)
        else:
            found.they_lack.add(op_id)
    deeper = []
    for child in set(grouped) | set(children):
        if child not in children:
            found.they_lack |= set(grouped[child])
        elif len(common) < len(child) <= 36 and list(digest(grouped.get(child, []))) != list(
            children[child]
        ):
            deeper.append(child)
    return deeper


def ops_by_id(store: Log, ids: set[str]) -> list[Op]:
    """The ops held under these ids, grouped by origin (each origin's in log order)."""
    return sorted(store.held_ops(sorted(ids)), key=lambda op: op.origin)  # a stable sort


def lacking(store: Log, ids: set[str]) -> set[str]:
    """Those of these op ids not held here."""
    return ids - store.held_ids(ids)


def offer(ops: list[Op], push: Callable[[list[Op]], dict[str, Any]], page: int) -> tuple[int, int]:
    """Pushes ops the peer lacks, one origin at a time; returns (accepted, refused).

    An origin the peer refuses from us (403: it takes others' ops only from its relays) is
    skipped and counted, so the rest still arrive and the next round is not stuck.
    """
    accepted = refused = 0
    origins: dict[str, list[Op]] = {}
    for op in ops:
        origins.setdefault(op.origin, []).append(op)
    for origin, group in origins.items():
        start, size = 0, page
        while start < len(group):
            try:
                accepted += int(push(group[start : start + size]).get("accepted", 0))
            except SyncError as exc:
                if exc.status == 413 and size > 1:
                    size = max(1, size // 2)
                    continue
                if exc.status != 403:
                    raise
                log.warning("the peer refuses %s's ops from this node: %s", origin, exc.message)
                refused += len(group) - start
                break
            start += size
    return accepted, refused
