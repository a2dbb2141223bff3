"""What a node accepts from a push: a well-formed batch, sane stamps, ops from their origin.

Each check refuses the whole batch before anything is written (sync.server.push).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sync import oplog
from sync.hlc import MAX_FORWARD_MS, Stamp
from sync.oplog import Op, OpError
from sync.protocol import MAX_BATCH, ProtocolError

if TYPE_CHECKING:
    from sync.server import Check, Local


def parse_batch(body: Any, check: Check | None = None) -> tuple[str, list[Op]]:
    """Checks a whole push body before anything is written; any fault refuses all of it.

    `check` is the domain's check by kind, run on each well-formed op.
    """
    if not isinstance(body, dict) or not isinstance(body.get("ops"), list):
        raise ProtocolError(400, "bad_batch", 'A push body is {"node_id": str, "ops": [...]}.')
    node_id = body.get("node_id")
    if not isinstance(node_id, str) or not 0 < len(node_id) <= 64:
        raise ProtocolError(400, "bad_batch", "node_id must be a string of 1-64 characters.")
    if len(body["ops"]) > MAX_BATCH:
        raise ProtocolError(413, "too_large", f"At most {MAX_BATCH} ops per push.")
    ops = []
    for index, raw in enumerate(body["ops"]):
        try:
            op = oplog.parse(raw)
            if check is not None:
                check(op)
        except OpError as exc:
            raise ProtocolError(400, "bad_op", f"op {index}: {exc}. Nothing was applied.") from None
        ops.append(op)
    return node_id, ops


def check_stamps(local: Local, ops: list[Op]) -> None:
    """Refuses ops stamped further ahead of our clock than `max_ahead_ms` (OpError names one).

    A stamp far in the future would win every later edit and drag clocks along. The limit
    never falls below the newest stamp already held, so a correction of a value accepted
    earlier (stamped just after it) still travels.
    """
    held = local.log.latest_stamp()
    limit = max(local.now_ms() + local.max_ahead_ms, Stamp.parse(held).wall_ms if held else 0)
    for index, op in enumerate(ops):
        if Stamp.parse(op.hlc).wall_ms > limit:
            hours = local.max_ahead_ms / 3_600_000
            raise OpError(f"op {index} ({op.op_id}) is stamped more than {hours:g} h ahead"
                          f" of this node's clock")  # fmt: skip


def check_origins(local: Local, sender: str, ops: list[Op], token_id: int | None) -> None:
    """An op must come from its origin, or be relayed; nobody may speak for this node.

    Only a token bound to a relay (head office, or a LAN peer named in SYNC_RELAYS) may push
    ops of other origins; an in-process caller (no token) is trusted. After this node's log
    went back (a restore), ops of any origin stamped before that moment are taken from any
    peer, ours included: we may have held them, lost them and handed them out before.
    """
    rewound = local.log.rewound_at()
    for op in ops:
        if op.origin == sender:
            continue
        if (
            local.allow_relay
            and rewound is not None
            and (Stamp.parse(op.hlc).wall_ms <= rewound + MAX_FORWARD_MS)
        ):
            continue
        if not local.allow_relay or (token_id is not None and sender not in local.relays):
            raise ProtocolError(403, "wrong_origin", f"op {op.op_id} is from {op.origin}: this"
                                " node accepts only the sender's own ops from it.")  # fmt: skip
        if op.origin == local.node_id and local.log.get(op.op_id) is None:
            raise ProtocolError(403, "wrong_origin", "An op claims to be from this node.")
