"""The demo conference generator: deterministic, unique, believable and well-formed."""

import collections
import hashlib
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.demo import data as demo_data
from kiosk.demo.data import (
    TICKET_TYPES,
    DemoAttendee,
    generate_attendees,
    generate_registrations,
    generate_rooms,
    generate_sessions,
)

N = 20_000
SEED = 2026
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def people() -> list[DemoAttendee]:
    return list(generate_attendees(N, SEED))


def share(people: list[DemoAttendee], test) -> float:
    return sum(1 for p in people if test(p)) / len(people)


def has_script(text: str, low: int, high: int) -> bool:
    return any(low <= ord(c) <= high for c in text)


def test_same_seed_gives_identical_output():
    assert list(generate_attendees(500, 7)) == list(generate_attendees(500, 7))
    rooms = generate_rooms(7)
    assert rooms == generate_rooms(7)
    assert generate_sessions(7, 3, rooms) == generate_sessions(7, 3, rooms)
    ids = [p.attendee_id for p in generate_attendees(200, 7)]
    assert list(generate_registrations(7, ids, generate_sessions(7, 3, rooms))) == list(
        generate_registrations(7, ids, generate_sessions(7, 3, rooms))
    )


def test_prefix_of_a_larger_run_is_the_smaller_run():
    assert list(generate_attendees(300, 5)) == list(generate_attendees(600, 5))[:300]


def test_different_seeds_differ():
    first, second = list(generate_attendees(100, 1)), list(generate_attendees(100, 2))
    assert {p.code for p in first}.isdisjoint({p.code for p in second})
    assert [p.email for p in first] != [p.email for p in second]
    assert generate_sessions(1, 3, generate_rooms(1)) != generate_sessions(2, 3, generate_rooms(2))


def test_output_does_not_depend_on_string_hashing():
    script = (
        "import hashlib; from kiosk.demo.data import generate_attendees as g;"
        "print(hashlib.sha256(repr(list(g(300, 11))).encode()).hexdigest())"
    )
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        out = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=ROOT, capture_output=True, check=True
        )
        digests.add(out.stdout.strip())
    local = hashlib.sha256(repr(list(generate_attendees(300, 11))).encode()).hexdigest()
    assert digests == {local.encode()}


def test_ids_codes_and_emails_are_unique(people):
    assert len({p.attendee_id for p in people}) == N
    assert len({p.code for p in people}) == N
    assert len({p.code.upper() for p in people}) == N
    assert len({p.email for p in people}) == N


def test_fields_are_well_formed(people):
    ticket_names = {t.name for t in TICKET_TYPES}
    uuid_re = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
    code_re = re.compile(r"KN26-[0-9A-HJKMNP-TV-Z]{8}")
    email_re = re.compile(r"[a-z0-9._]+@[a-z0-9.-]+\.[a-z]{2,}")
    for p in people:
        assert uuid_re.fullmatch(p.attendee_id)
        assert code_re.fullmatch(p.code)
        assert email_re.fullmatch(p.email), p.email
        assert len(p.email.partition("@")[0]) <= 64
        assert p.first_name and p.first_name == p.first_name.strip()
        assert p.ticket_type in ticket_names
        assert p.status in ("valid", "cancelled")


def test_proportions(people):
    assert 0.02 <= share(people, lambda p: p.status == "cancelled") <= 0.04
    assert 0.01 <= share(people, lambda p: bool(p.note)) <= 0.03
    assert 0 < share(people, lambda p: bool(p.block_note)) <= 0.006
    assert 0.06 <= share(people, lambda p: p.company == "") <= 0.13
    assert 0.02 <= share(people, lambda p: p.last_name == "" and p.first_name.isascii()) <= 0.06
    tickets = collections.Counter(p.ticket_type for p in people)
    assert 0.65 <= tickets["Attendee"] / N <= 0.80
    assert 0.035 <= tickets["Speaker"] / N <= 0.065
    assert 0.01 <= tickets["VIP"] / N <= 0.03
    assert 0.01 <= tickets["Staff"] / N <= 0.03
    day_passes = sum(count for name, count in tickets.items() if name.startswith("Day Pass"))
    assert 0.08 <= day_passes / N <= 0.12
    assert all(tickets[f"Day Pass (Day {d})"] for d in (1, 2, 3))


def test_names_cover_many_scripts_and_edge_cases(people):
    names = [f"{p.first_name} {p.last_name}" for p in people]
    text = " ".join(names)
    for low, high in ((0x4E00, 0x9FFF), (0x0600, 0x06FF), (0x0900, 0x097F), (0xAC00, 0xD7AF)):
        assert has_script(text, low, high)
    for needle in ("Nguyễn", "Ñúñez", "João", "O'Brien", "Guðmundsdóttir", "Ø", "Å", "Ł", "ı", "ş"):
        assert needle in text, needle
    assert any(p.last_name == "" and has_script(p.first_name, 0x4E00, 0x9FFF) for p in people)
    longest = max(len(p.last_name) for p in people)
    assert 45 <= longest <= 60
    indonesian_mail = share(people, lambda p: p.email.endswith((".co.id", ".ac.id", ".go.id")))
    assert indonesian_mail > 0.1


def test_non_latin_names_still_get_ascii_emails(people):
    thai = [p for p in people if has_script(p.first_name, 0x0E00, 0x0E7F)]
    assert thai and all(p.email.startswith("guest") for p in thai)
    assert all(p.email.isascii() and p.email == p.email.lower() for p in people)


def test_ascii_fold():
    assert demo_data.ascii_fold("Guðmundsdóttir") == "gudmundsdottir"
    assert demo_data.ascii_fold("O'Brien") == "obrien"
    assert demo_data.ascii_fold("Łukasz Øystein Işıl") == "lukaszoysteinisil"
    assert demo_data.ascii_fold("王小明") == ""


def test_ticket_types():
    assert len({t.name for t in TICKET_TYPES}) == len(TICKET_TYPES)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", t.colour) for t in TICKET_TYPES)
    assert sum(t.weight for t in TICKET_TYPES) == pytest.approx(1.0)
    passes = {t.name: t.valid_days for t in TICKET_TYPES if t.valid_days is not None}
    assert passes == {f"Day Pass (Day {d})": (d,) for d in (1, 2, 3)}
    assert [t.name for t in demo_data.ticket_types(5)][-1] == "Day Pass (Day 5)"


def test_sessions_fit_the_rooms_and_the_days():
    rooms = generate_rooms(SEED)
    room_ids = {room.room_id for room in rooms}
    sessions = generate_sessions(SEED, 3, rooms)
    assert len({s.session_id for s in sessions}) == len(sessions)
    by_room = collections.defaultdict(list)
    for s in sessions:
        assert s.room_id in room_ids
        assert 1 <= s.day <= 3
        assert re.fullmatch(r"\d\d:\d\d", s.start) and re.fullmatch(r"\d\d:\d\d", s.end)
        assert "07:00" <= s.start < s.end <= "23:00"
        by_room[s.day, s.room_id].append((s.start, s.end))
    for slots in by_room.values():
        assert len(slots) <= 12
        slots.sort()
        for (_, end), (start, _) in itertools.pairwise(slots):
            assert end <= start
    hall = max(rooms, key=lambda room: room.capacity).room_id
    assert all(s.room_id == hall for s in sessions if s.track == "Keynote")
    assert {s.day for s in sessions if s.track == demo_data.BREAK_TRACK} == {1, 2, 3}
    assert any(s.track == "Workshop" for s in sessions)
    assert len({s.track for s in sessions}) >= 8


def test_speakers_are_never_in_two_places_at_once():
    sessions = generate_sessions(SEED, 4, generate_rooms(SEED))
    seen = collections.defaultdict(list)
    for s in sessions:
        for name in s.speakers:
            for day, start, end in seen[name]:
                assert not (day == s.day and start < s.end and s.start < end)
            seen[name].append((s.day, s.start, s.end))


def test_registrations():
    rooms = generate_rooms(SEED)
    capacity = {room.room_id: room.capacity for room in rooms}
    sessions = generate_sessions(SEED, 3, rooms)
    by_id = {s.session_id: s for s in sessions}
    ids = [p.attendee_id for p in generate_attendees(N, SEED)]
    pairs = list(generate_registrations(SEED, ids, sessions))
    assert len(pairs) == len(set(pairs))
    assert 2.5 * N <= len(pairs) <= 3.5 * N
    known = set(ids)
    per_attendee = collections.defaultdict(list)
    for session_id, attendee_id in pairs:
        assert attendee_id in known
        session = by_id[session_id]
        assert session.track != demo_data.BREAK_TRACK
        for other in per_attendee[attendee_id]:
            clash = other.day == session.day and other.start < session.end
            assert not (clash and session.start < other.end)
        per_attendee[attendee_id].append(session)
    counts = collections.Counter(session_id for session_id, _ in pairs)
    full = [s for s in sessions if counts[s.session_id] > capacity[s.room_id]]
    assert full and len(full) < len(sessions)


def test_invalid_arguments():
    with pytest.raises(ValueError):
        generate_attendees(-1, 1)
    with pytest.raises(ValueError):
        generate_attendees(1, 1, days=0)
    with pytest.raises(ValueError):
        generate_sessions(1, 3, [])
    with pytest.raises(ValueError):
        generate_registrations(1, [], [], per_attendee=-1)
    assert list(generate_attendees(0, 1)) == []
    assert (
        list(generate_registrations(1, ["a"], generate_sessions(1, 1, generate_rooms(1)), 0)) == []
    )
