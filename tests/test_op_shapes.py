"""Every op kind's payload is checked before it is stored: good payloads pass, bad ones are
refused naming the field, and the app's own ops always fit (no node may write what peers refuse).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from kiosk.db import open_db, transaction
from kiosk.demo import loader
from kiosk.replication import fold, peering
from kiosk.replication.node import load_node
from sync import admission
from sync.client import SyncError, sync_once
from sync.oplog import Op, OpError, all_ops, insert, new_op
from sync.protocol import ProtocolError
from tests.sync.replicas import make_replica

A = "a-1"
EDIT = {"source": "edit", "staff": "Ana", "seen": {"name": ""}}
GOOD = {
    "event_set": ("event", {"fields": {"name": "Jakarta Summit", "starts_on": "2026-03-10",
                                       "days": 3, "timezone": "Asia/Jakarta"}}),
    "ticket_type_set": ("VIP", {"fields": {"valid_days": "1,2", "colour": "#aa0000"}}),
    "attendee_upsert": (A, {"fields": {"first_name": "Siti", "code": "Q-1"}, **EDIT}),
    "checkin": (A, {"at": "2026-03-10T02:00:00Z", "day": "2026-03-10", "desk": "North-1",
                    "staff": "Ana", "code": "Q-1"}),
    "checkin_undo": (A, {"checkin_op_id": "x", "at": "2026-03-10T02:00:00Z", "staff": "Ana",
                         "reason": "mistake"}),
    "conflict_resolve": ("f1", {"action": "keep_both", "kind": "double_scan", "staff": "Budi",
                                "at": "2026-03-10T02:00:00Z"}),
    "room_set": ("hall-a", {"fields": {"name": "Hall A", "capacity": 300}, "source": "import"}),
    "session_set": ("s1", {"fields": {"title": "Keynote", "starts_at": "2026-03-10T02:00:00Z",
                                      "room_id": "hall-a", "speakers": "R. Dewi"}}),
    "session_room_set": ("s1", {"fields": {"room_id": "hall-b"}, "seen": {"room_id": ""},
                                "from_room": "hall-a", "reason": "too full", "staff": "Budi",
                                "at": "2026-03-10T02:00:00Z", "undo_of": ""}),
    "registration_add": ("s1", {"attendee_ids": [A, "a-2"]}),
    "registration_cancel": ("s1", {"attendee_ids": [A]}),
    "door_scan": ("hall-a", {"attendee_id": A, "direction": "in", "session_id": "s1",
                             "at": "2026-03-10T02:00:00Z", "device": "door-1"}),
    "notification_queued": ("s1", {"kind": "room_change", "change_op_id": "x", "at": "",
                                   "from_room": "hall-a", "to_room": "hall-b",
                                   "recipients": 12}),
    "badge_printed": (A, {"job_id": "j1", "printer": "desk-1", "template": "default",
                          "reason": "", "reprint": False, "name": "Siti Rahma",
                          "shortened": False, "outcome": "completed", "desk": "North-1",
                          "staff": "Ana", "at": "2026-03-10T02:00:00Z"}),
    "attendee_erase": (A, {"at": "2026-03-20T02:00:00Z", "by": "Dewi", "reason": "art. 17"}),
    "op_copy_seen": ("0190a0b0-0000-7000-8000-000000000009", {"hash": "ab12", "origin": "venue-2",
                     "hlc": "1773100000000-00000-venue-2", "kind": "checkin", "entity": A}),
    "incident_report": ("i-1", {"fields": {"title": "Projector dead", "room_id": "hall-a",
                                           "category": "av", "severity": "urgent",
                                           "status": "open"}, "staff": "Ana", "photo": ""}),
    "incident_update": ("i-1", {"fields": {"status": "assigned", "assignee": "Budi"},
                                "staff": "Budi", "at": "2026-03-10T02:00:00Z"}),
    "incident_note": ("i-1", {"text": "Spare on its way", "staff": "Budi",
                              "at": "2026-03-10T02:00:00Z"}),
    "incident_ack": ("i-1", {"staff": "Ana", "at": "2026-03-10T02:00:00Z"}),
    "vendor_set": ("v-1", {"fields": {"name": "Prima AV", "phone": "+62 813"}, "staff": "Budi"}),
    "delivery_set": ("d-1", {"fields": {"vendor": "Prima AV", "what": "Projector",
                                        "due_at": "2026-03-10T02:00:00Z", "status": "expected"},
                             "staff": "Budi"}),
    "delivery_status": ("d-1", {"fields": {"status": "arrived", "note": ""}, "staff": "Budi"}),
    "shift_set": ("sh-1", {"fields": {"person": "Dewi", "badge_code": "Q-1", "role": "usher",
                                      "place": "hall-a", "starts_at": "2026-03-10T02:00:00Z"},
                           "staff": "Budi", "source": "import"}),
    "shift_checkin": ("sh-1", {"person": "Dewi", "at": "2026-03-10T02:00:00Z", "staff": "Ana",
                               "code": "Q-1"}),
    "readiness_tick": ("s1", {"item": "mic", "done": True, "staff": "Ana",
                              "at": "2026-03-10T02:00:00Z"}),
    "sponsor_set": ("acme", {"fields": {"name": "Acme", "track": "AI", "questions": "Budget?"},
                             "source": "kiosk"}),
    "lead_capture": ("lead-1", {"fields": {"rating": 4, "note": "demo", "captured_by": "phone"},
                                "sponsor_id": "acme", "attendee_id": A,
                                "at": "2026-03-10T02:00:00Z", "device": "phone"}),
    "lead_edit": ("lead-1", {"fields": {"answers": '{"Budget?": "10k"}'}, "sponsor_id": "acme",
                             "attendee_id": A}),
    "pretix_event": ("org/con", {"keys": ["LS0tLS1CRUdJTi"], "revoked": ["=Qx"],
                                 "items": {"1": "Conference pass"}}),
}  # fmt: skip
# kind, payload, the field the refusal must name
BAD = [
    ("event_set", {"fields": {"days": "three"}}, "payload.fields.days"),
    ("incident_report", {"fields": {"severity": "panic"}}, "payload.fields.severity"),
    ("incident_note", {"text": "x" * 5000}, "payload.text"),
    ("delivery_status", {"fields": {"status": "lost"}}, "payload.fields.status"),
    ("event_set", {"fields": {"days": 0}}, "payload.fields.days"),
    ("event_set", {"fields": ["name", "x"]}, "payload.fields"),
    ("ticket_type_set", {"fields": {"colour": ["red"]}}, "payload.fields.colour"),
    ("attendee_upsert", {"fields": {"first_name": {"a": 1}}}, "payload.fields.first_name"),
    ("attendee_upsert", {"fields": {"note": "x" * 5000}}, "payload.fields.note"),
    ("attendee_upsert", {"fields": {"status": None}}, "payload.fields.status"),
    ("attendee_upsert", {"fields": {"code": "Q"}, "seen": ["code"]}, "payload.seen"),
    ("attendee_upsert", {"fields": {"code": "Q"}, "seen": {"code": 5}}, "payload.seen.code"),
    ("checkin", {"at": ["2026"], "day": "2026-03-10"}, "payload.at"),
    ("checkin", {"day": 20260310}, "payload.day"),
    ("checkin_undo", {"checkin_op_id": {"id": "x"}}, "payload.checkin_op_id"),
    ("conflict_resolve", {"action": 1}, "payload.action"),
    ("room_set", {"fields": {"capacity": "lots"}}, "payload.fields.capacity"),
    ("room_set", {"fields": {"capacity": -1}}, "payload.fields.capacity"),
    ("room_set", {"fields": {"capacity": 10**9}}, "payload.fields.capacity"),
    ("room_set", {"fields": {"capacity": True}}, "payload.fields.capacity"),
    ("room_set", {"fields": {"capacity": 2.5}}, "payload.fields.capacity"),
    ("room_set", {"fields": [["capacity", 3]]}, "payload.fields"),
    ("room_set", {"fields": {"name": 7}}, "payload.fields.name"),
    ("session_set", {"fields": {"starts_at": 1}}, "payload.fields.starts_at"),
    ("session_room_set", {"fields": {"room_id": ["hall-b"]}}, "payload.fields.room_id"),
    ("session_room_set", {"fields": {"room_id": "b"}, "reason": {}}, "payload.reason"),
    ("registration_add", {"attendee_ids": "a-1"}, "payload.attendee_ids"),
    ("registration_add", {"attendee_ids": [A] * 501}, "payload.attendee_ids"),
    ("registration_cancel", {"attendee_ids": [A, 3]}, "payload.attendee_ids"),
    ("door_scan", {"attendee_id": [A]}, "payload.attendee_id"),
    ("notification_queued", {"recipients": "many"}, "payload.recipients"),
    ("notification_queued", {"recipients": -3}, "payload.recipients"),
    ("badge_printed", {"reprint": "yes"}, "payload.reprint"),
    ("badge_printed", {"name": ["Siti"]}, "payload.name"),
    ("attendee_erase", {"by": {"name": "Dewi"}}, "payload.by"),
    ("shift_set", {"fields": {"person": ["Dewi"]}}, "payload.fields.person"),
    ("shift_checkin", {"at": 20260310}, "payload.at"),
    ("readiness_tick", {"item": "mic", "done": "yes"}, "payload.done"),
    ("sponsor_set", {"fields": {"questions": ["a", "b"]}}, "payload.fields.questions"),
    ("lead_capture", {"fields": {"rating": 6}}, "payload.fields.rating"),
    ("lead_capture", {"fields": {"rating": True}}, "payload.fields.rating"),
    ("lead_edit", {"fields": {"note": "x" * 5000}}, "payload.fields.note"),
    ("lead_capture", {"sponsor_id": ["acme"]}, "payload.sponsor_id"),
]
KINDS = sorted(fold.SHAPES)


def _op(kind: str, entity: str, payload: dict) -> Op:
    return Op("0190a0b0-0000-7000-8000-000000000001", "venue-1", "1773100000000-00000-venue-1",
              kind, entity, payload)  # fmt: skip


def test_every_kind_the_fold_applies_has_a_good_example() -> None:
    assert set(fold.APPLY) <= set(KINDS)
    assert sorted(GOOD) == KINDS


@pytest.mark.parametrize("kind", KINDS)
def test_a_well_formed_payload_is_accepted(kind: str) -> None:
    fold.check(_op(kind, *GOOD[kind]))


@pytest.mark.parametrize("kind", KINDS)
def test_a_payload_that_is_not_an_object_inside_is_refused(kind: str) -> None:
    entity, payload = GOOD[kind]
    key = next(iter(payload))
    with pytest.raises(OpError, match=f"payload.{key}"):
        fold.check(_op(kind, entity, {**payload, key: [payload[key]]}))


@pytest.mark.parametrize(("kind", "payload", "where"), BAD)
def test_a_badly_typed_payload_is_refused_naming_the_field(kind, payload, where) -> None:
    entity = GOOD[kind][0]
    with pytest.raises(OpError) as refused:
        fold.check(_op(kind, entity, payload))
    assert kind in str(refused.value) and where in str(refused.value)


def test_unknown_kinds_are_kept_unchecked() -> None:
    """A newer version's kinds travel through an older node untouched."""
    fold.check(_op("lead_captured", "x", {"anything": ["goes", 1]}))


def test_a_badge_printed_op_must_name_an_attendee() -> None:
    with pytest.raises(OpError, match="not an attendee id"):
        fold.check(_op("badge_printed", "x" * 300, GOOD["badge_printed"][1]))


def test_a_push_with_a_bad_room_set_is_refused_with_its_index_and_field() -> None:
    good = _op("room_set", *GOOD["room_set"]).to_dict()
    bad = {**_op("room_set", "hall-b", {"fields": {"capacity": "lots"}}).to_dict(),
           "op_id": "0190a0b0-0000-7000-8000-000000000002"}  # fmt: skip
    with pytest.raises(ProtocolError) as refused:
        admission.parse_batch({"node_id": "venue-1", "ops": [good, bad]}, fold.check)
    assert refused.value.status == 400 and refused.value.code == "bad_op"
    assert "op 1" in refused.value.message and "fields.capacity" in refused.value.message


def test_every_op_the_demo_writes_fits_its_kind(tmp_path: Path) -> None:
    conn = open_db(tmp_path / "demo.sqlite3")
    loader.load(conn, load_node(conn), 60, 7, date(2026, 3, 10))
    ops = all_ops(conn)
    kinds = {op.kind for op in ops}
    assert {"room_set", "session_set", "attendee_upsert", "registration_add", "checkin",
            "event_set", "ticket_type_set"} <= kinds  # fmt: skip
    assert kinds <= set(fold.SHAPES)
    for op in ops:
        fold.check(op)
    conn.close()


def test_a_pulled_op_that_does_not_fit_its_kind_is_refused(tmp_path: Path) -> None:
    """A peer holding such an op (from a version before the check) cannot hand it on."""
    peer, venue_node = make_replica(tmp_path, "ho"), make_replica(tmp_path, "venue")
    bad = new_op(peer.node.clock, "room_set", "hall-a", {"fields": {"capacity": "lots"}})
    with transaction(peer.db):
        insert(peer.db, bad)
    with pytest.raises(SyncError) as refusal:
        sync_once(peering.local(venue_node.db), "local:ho", peer.transport())
    assert refusal.value.code == "bad_op" and "fields.capacity" in str(refusal.value)
    assert venue_node.db.execute("SELECT count(*) FROM room").fetchone()[0] == 0
    held = venue_node.db.execute("SELECT count(*) FROM op WHERE kind = 'room_set'").fetchone()
    assert held[0] == 0
