"""A deterministic demo conference: ticket types, attendees, rooms, sessions and sign-ups.

Pure standard library (no database, no Flask). Each function seeds its own ``random.Random``
from a "purpose:seed" string, so the same arguments give the same output on every run and
machine, and the functions do not disturb each other's sequences.

Names: ``first_name`` holds given names and ``last_name`` the family name. An empty
``last_name`` means the whole name is in ``first_name``: mononyms ("Sutrisno") and names
written in Han, kana or Hangul, stored family name first exactly as written ("王小明").
Display a name as ``first_name`` alone when ``last_name`` is empty, else "first last".
"""

import random
import unicodedata
import uuid
from bisect import bisect
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from kiosk.demo.texts import (
    BLOCK_NOTES,
    DEGREES,
    HONORIFICS,
    ID_COMPANIES,
    INTL_COMPANIES,
    KEYNOTES,
    MAIL_DOMAINS,
    NAME_TABLE,
    NOTES,
    PANEL_FORMATS,
    TALK_FORMATS,
    TRACK_TOPICS,
    WORKSHOP_FORMATS,
    words,
)

EVENT_NAME = "Konferensi Nusantara 2026"
EVENT_TAGLINE = "Building the Digital Archipelago"
CODE_PREFIX = "KN26-"
ORGANISER = ("Yayasan Konferensi Nusantara", "konferensinusantara.id")


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_FOLD_EXTRA = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "œ": "oe", "ð": "d", "Ð": "D",
     "þ": "th", "Þ": "Th", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i"}
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class TicketType:
    """A ticket type; ``valid_days`` is None when the ticket is valid on every day."""

    name: str
    valid_days: tuple[int, ...] | None
    colour: str
    weight: float


@dataclass(frozen=True, slots=True)
class DemoAttendee:
    """One demo attendee; ``code`` is the QR text and ``block_note`` refuses entry."""

    attendee_id: str
    code: str
    first_name: str
    last_name: str
    email: str
    company: str
    ticket_type: str
    status: str
    note: str
    block_note: str


@dataclass(frozen=True, slots=True)
class DemoRoom:
    """A room at the venue with its seated capacity."""

    room_id: str
    name: str
    capacity: int


@dataclass(frozen=True, slots=True)
class DemoSession:
    """One programme slot: a 1-based day, "HH:MM" times and speakers' display names."""

    session_id: str
    title: str
    day: int
    start: str
    end: str
    room_id: str
    track: str
    speakers: tuple[str, ...]


_FULL_TICKETS = (
    ("Attendee", "#2E7D32", 0.74),
    ("Speaker", "#C62828", 0.05),
    ("VIP", "#B8860B", 0.02),
    ("Sponsor", "#1565C0", 0.03),
    ("Exhibitor", "#EF6C00", 0.04),
    ("Staff", "#212121", 0.02),
)
_DAY_PASS_COLOURS = ("#00838F", "#6A1B9A", "#AD1457", "#4E342E", "#558B2F", "#283593", "#00695C")


def _check_days(days: int) -> None:
    if days < 1:
        raise ValueError(f"days must be at least 1, got {days}")


def ticket_types(days: int = 3) -> tuple[TicketType, ...]:
    """Return the ticket types for an event of ``days`` days: six full tickets, a pass a day."""
    _check_days(days)
    full = tuple(TicketType(name, None, colour, weight) for name, colour, weight in _FULL_TICKETS)
    colours = _DAY_PASS_COLOURS
    passes = tuple(
        TicketType(f"Day Pass (Day {d})", (d,), colours[(d - 1) % len(colours)], 0.10 / days)
        for d in range(1, days + 1)
    )
    return full + passes


TICKET_TYPES: tuple[TicketType, ...] = ticket_types(3)


def ascii_fold(text: str) -> str:
    """Fold ``text`` to lower-case ASCII letters and digits, dropping everything else."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD_EXTRA))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum()).lower()


def _rng(purpose: str, seed: int) -> random.Random:
    # A str seed is hashed with SHA-512 by random.Random: stable across runs and machines.
    return random.Random(f"kiosk-demo:{purpose}:{seed}")


def _pick(cum: list[float], r: float) -> int:
    """Index drawn by ``r`` in [0, 1) from cumulative weights ``cum``."""
    return min(bisect(cum, r * cum[-1]), len(cum) - 1)


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for weight in weights:
        total += weight
        out.append(total)
    return out


def _entries(text: str) -> tuple[tuple[str, str, str], ...]:
    """Parse "native=roman" entries into (roman, native, ascii key) triples."""
    out = []
    for item in words(text):
        native, _, roman = item.partition("=")
        out.append((roman or native, native, ascii_fold(roman or native)))
    return tuple(out)


class _Group:
    """One naming tradition from NAME_TABLE, with every name pre-folded for email."""

    def __init__(self, header: str, body: str) -> None:
        key, weight, mail, *flags = header.split()
        options = dict(flag.partition("=")[::2] for flag in flags)
        self.key, self.weight, self.mail = key, float(weight), MAIL_DOMAINS[mail]
        self.indonesian, self.cjk = "home" in options, "cjk" in options
        self.mono_p = float(options.get("mono") or 0)
        self.native_p = float(options.get("native") or 0)
        firsts, lasts, monos = [*body.split("/"), "", ""][:3]
        self.firsts, self.lasts, self.monos = _entries(firsts), _entries(lasts), _entries(monos)

    def pick(self, rng: random.Random) -> tuple[str, str, str, str]:
        """Return (first_name, last_name, first key, last key) for one person."""
        if self.mono_p and rng.random() < self.mono_p:
            name, _, key = rng.choice(self.monos)
            return name, "", key, ""
        first, last = rng.choice(self.firsts), rng.choice(self.lasts)
        if self.native_p and rng.random() < self.native_p:
            if self.cjk:
                return last[1] + first[1], "", first[2], last[2]
            return first[1], last[1], first[2], last[2]
        return first[0], last[0], first[2], last[2]


@cache
def _groups() -> tuple[tuple[_Group, ...], list[float]]:
    groups, header, body = [], "", []
    for line in [*NAME_TABLE.strip().splitlines(), "end"]:
        if line.startswith(" "):
            body.append(line.strip())
            continue
        if header:
            groups.append(_Group(header, " ".join(body)))
        header, body = line, []
    return tuple(groups), _cumulative([g.weight for g in groups])


@cache
def _code_pairs() -> tuple[str, ...]:
    return tuple(a + b for a in _CROCKFORD for b in _CROCKFORD)


def _email_local(rng: random.Random, first: str, last: str, work: bool) -> str:
    if not first and not last:
        return f"guest{rng.randrange(1000, 100000)}"
    if not last or not first:
        name = first or last
        return name if rng.random() < 0.6 else f"{name}{rng.randrange(10, 100)}"
    r = rng.random()
    if work:
        return f"{first}.{last}" if r < 0.7 else f"{first[0]}{last}"
    if r < 0.35:
        return f"{first}.{last}"
    if r < 0.50:
        return f"{first}{last}"
    if r < 0.62:
        return f"{first[0]}{last}"
    if r < 0.68:
        return f"{first}_{last}"
    if r < 0.78:
        return f"{last}.{first}"
    if r < 0.90:
        return f"{first}.{last}{rng.randrange(70, 100)}"
    return f"{first}{rng.randrange(1, 1000)}"


def generate_attendees(n: int, seed: int, days: int = 3) -> Iterator[DemoAttendee]:
    """Yield ``n`` demo attendees for ``seed``; ids, codes and emails are unique in the run."""
    if n < 0:
        raise ValueError(f"n must not be negative, got {n}")
    _check_days(days)
    return _attendees(n, seed, days)


def _attendees(n: int, seed: int, days: int) -> Iterator[DemoAttendee]:
    rng = _rng("attendees", seed)
    rand, bits, choice = rng.random, rng.getrandbits, rng.choice
    groups, group_cum = _groups()
    tickets = ticket_types(days)
    ticket_cum = _cumulative([t.weight for t in tickets])
    pairs = _code_pairs()
    codes: set[str] = set()
    emails: set[str] = set()
    for _ in range(n):
        attendee_id = str(uuid.UUID(int=bits(128), version=4))
        while True:
            x = bits(40)
            code = f"{CODE_PREFIX}{pairs[x >> 30]}{pairs[(x >> 20) & 1023]}"
            code += f"{pairs[(x >> 10) & 1023]}{pairs[x & 1023]}"
            if code not in codes:
                codes.add(code)
                break
        group = groups[_pick(group_cum, rand())]
        first, last, first_key, last_key = group.pick(rng)
        ticket = tickets[_pick(ticket_cum, rand())].name
        r = rand()
        if ticket == "Staff":
            company, domain = ORGANISER
        elif r < 0.10 and ticket not in ("Sponsor", "Exhibitor"):
            company, domain = "", ""
        elif (r < 0.80) == group.indonesian:
            company, domain = choice(ID_COMPANIES)
        else:
            company, domain = choice(INTL_COMPANIES)
        work = bool(domain) and rand() < 0.65
        local = _email_local(rng, first_key, last_key, work)[:60]
        base = domain if work else choice(group.mail)
        email = f"{local}@{base}"
        suffix = 2
        while email in emails:
            email = f"{local}{suffix}@{base}"
            suffix += 1
        emails.add(email)
        status = "cancelled" if rand() < 0.03 else "valid"
        note = choice(NOTES) if rand() < 0.02 else ""
        block_note = choice(BLOCK_NOTES) if rand() < 0.002 else ""
        yield DemoAttendee(
            attendee_id, code, first, last, email, company, ticket, status, note, block_note
        )


_ROOMS = (
    ("ballroom", "Grand Ballroom Nusantara", 1200),
    ("melati", "Melati", 320),
    ("anggrek", "Anggrek", 260),
    ("kenanga", "Kenanga", 200),
    ("mawar", "Mawar", 150),
    ("cempaka", "Cempaka", 110),
    ("kamboja", "Kamboja", 60),
    ("teratai", "Teratai", 40),
)


def generate_rooms(seed: int) -> list[DemoRoom]:
    """Return the venue's rooms, largest first; capacities vary a little with ``seed``."""
    rng = _rng("rooms", seed)
    return [
        DemoRoom(room_id, name, max(20, round(capacity * rng.uniform(0.9, 1.1) / 10) * 10))
        for room_id, name, capacity in _ROOMS
    ]


_TALK_SLOTS = (
    ("11:00", "11:40"), ("11:50", "12:30"), ("13:30", "14:10"),
    ("14:20", "15:00"), ("15:30", "16:10"), ("16:20", "17:00"),
)  # fmt: skip
_WORKSHOP_SLOTS = (("11:00", "12:30"), ("13:30", "15:00"), ("15:30", "17:00"))
BREAK_TRACK = "Break"


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:])


class _Titles:
    """Draws titles from a shuffled pool, adding "(Part N)" once the pool is used up."""

    def __init__(self, rng: random.Random, pool: list[str]) -> None:
        self.pool, self.used = pool, 0
        rng.shuffle(self.pool)

    def next(self) -> str:
        title = self.pool[self.used % len(self.pool)]
        rounds, self.used = self.used // len(self.pool), self.used + 1
        return f"{title} (Part {rounds + 1})" if rounds else title


class _Speakers:
    """A pool of speaker display names; nobody is booked into two overlapping sessions."""

    def __init__(self, rng: random.Random, size: int) -> None:
        groups, cum = _groups()
        self.rng, self.busy, self.names = rng, {}, []
        for _ in range(size):
            group = groups[_pick(cum, rng.random())]
            first, last, _, _ = group.pick(rng)
            name = f"{first} {last}" if last else first
            if group.indonesian and rng.random() < 0.3:
                name = f"{rng.choice(HONORIFICS)} {name}, {rng.choice(DEGREES)}"
            elif rng.random() < 0.15:
                name = f"Dr. {name}"
            self.names.append(name)

    def book(self, count: int, day: int, start: str, end: str) -> tuple[str, ...]:
        span, chosen = (day, _minutes(start), _minutes(end)), []
        for _ in range(count * 10):
            if len(chosen) == count:
                break
            name = self.rng.choice(self.names)
            taken = self.busy.setdefault(name, [])
            if name in chosen or any(_overlap(span, other) for other in taken):
                continue
            taken.append(span)
            chosen.append(name)
        return tuple(chosen)


def _overlap(a: tuple[int, int, int], b: tuple[int, int, int]) -> bool:
    return a[0] == b[0] and a[1] < b[2] and b[1] < a[2]


def generate_sessions(seed: int, days: int, rooms: list[DemoRoom]) -> list[DemoSession]:
    """Return the programme: plenaries in the largest room, parallel tracks, workshops."""
    _check_days(days)
    if not rooms:
        raise ValueError("at least one room is needed")
    if len({room.room_id for room in rooms}) != len(rooms):
        raise ValueError("room ids must be unique")
    rng = _rng("sessions", seed)
    ordered = sorted(rooms, key=lambda room: (-room.capacity, room.room_id))
    hall, rest = ordered[0].room_id, [room.room_id for room in ordered[1:]]
    workshops = rest[-2:] if len(rest) >= 4 else []
    breakouts = rest[: len(rest) - len(workshops)]
    topics = [topic for track in TRACK_TOPICS.values() for topic in track]
    talks = {
        track: _Titles(rng, [f.format(t) for t in ts for f in TALK_FORMATS])
        for track, ts in TRACK_TOPICS.items()
    }
    panels = _Titles(rng, [f.format(t) for t in topics for f in PANEL_FORMATS])
    workshop_titles = _Titles(rng, [f.format(t) for t in topics for f in WORKSHOP_FORMATS])
    main_stage = _Titles(rng, [f.format(t) for t in topics for f in TALK_FORMATS])
    keynotes = _Titles(rng, list(KEYNOTES))
    speakers = _Speakers(rng, 20 + days * (len(breakouts) * 4 + 12))
    sessions: list[DemoSession] = []

    def add(day: int, room: str, start: str, end: str, title: str, track: str, n: int) -> None:
        session_id = f"d{day}-{room}-{start.replace(':', '')}"
        who = speakers.book(n, day, start, end) if n else ()
        sessions.append(DemoSession(session_id, title, day, start, end, room, track, who))

    for day in range(1, days + 1):
        if day == 1:
            opening = f"Opening Ceremony: Tari Pendet and Welcome to {EVENT_NAME}"
            add(day, hall, "08:30", "09:00", opening, "Plenary", 2)
        add(day, hall, "09:00", "09:45", keynotes.next(), "Keynote", 1)
        add(day, hall, "09:45", "10:30", keynotes.next(), "Keynote", rng.choice((1, 2)))
        for start, end in _TALK_SLOTS[:2] + _TALK_SLOTS[2:5]:
            add(day, hall, start, end, main_stage.next(), "Main Stage", 1)
        add(day, hall, "12:30", "13:30", "Lunch & Networking / Makan Siang", BREAK_TRACK, 0)
        add(day, hall, "16:20", "17:00", panels.next(), "Main Stage", 4)
        if day == days:
            add(day, hall, "17:10", "17:45", "Closing Ceremony & Awards", "Plenary", 2)
        else:
            add(day, hall, "17:10", "17:40", f"Day {day} Wrap-up", "Plenary", 1)
        if day == 1:
            add(day, hall, "19:00", "21:30", "Welcome Reception: Malam Nusantara", "Social", 0)
        tracks = list(TRACK_TOPICS)
        rng.shuffle(tracks)
        for index, room in enumerate(breakouts):
            track = tracks[index % len(tracks)]
            slot = 0
            while slot < len(_TALK_SLOTS):
                start, end = _TALK_SLOTS[slot]
                if slot % 2 == 0 and rng.random() < 0.12:
                    end = _TALK_SLOTS[slot + 1][1]
                    add(day, room, start, end, panels.next(), track, rng.choice((3, 4)))
                    slot += 2
                    continue
                count = 2 if rng.random() < 0.15 else 1
                add(day, room, start, end, talks[track].next(), track, count)
                slot += 1
        for room in workshops:
            for start, end in _WORKSHOP_SLOTS:
                add(day, room, start, end, workshop_titles.next(), "Workshop", rng.choice((1, 2)))
    sessions.sort(key=lambda s: (s.day, s.start, s.room_id))
    return sessions


_TRACK_POPULARITY = {"Keynote": 8.0, "Plenary": 5.0, "Main Stage": 3.0, "Social": 4.0}
_WORKSHOP_POPULARITY = 0.6


def generate_registrations(
    seed: int, attendee_ids: list[str], sessions: list[DemoSession], per_attendee: int = 3
) -> Iterator[tuple[str, str]]:
    """Yield unique (session_id, attendee_id) sign-ups, ``per_attendee`` on average, no clashes."""
    if per_attendee < 0:
        raise ValueError(f"per_attendee must not be negative, got {per_attendee}")
    return _registrations(seed, attendee_ids, sessions, per_attendee)


def _registrations(
    seed: int, attendee_ids: list[str], sessions: list[DemoSession], per_attendee: int
) -> Iterator[tuple[str, str]]:
    rng = _rng("registrations", seed)
    rand = rng.random
    open_sessions = [s for s in sessions if s.track != BREAK_TRACK]
    if not open_sessions or per_attendee == 0:
        return
    weights = []
    for s in open_sessions:
        base = _TRACK_POPULARITY.get(s.track, _WORKSHOP_POPULARITY if s.track == "Workshop" else 1)
        hot = 8.0 if rand() < 0.08 else 1.0
        weights.append(base * hot * rng.lognormvariate(0.0, 0.6))
    cum = _cumulative(weights)
    spans = [(s.session_id, (s.day, _minutes(s.start), _minutes(s.end))) for s in open_sessions]
    spread = (-2, -1, -1, 0, 0, 0, 0, 1, 1, 2) if per_attendee >= 2 else (0,)
    for attendee_id in attendee_ids:
        wanted = min(per_attendee + spread[int(rand() * len(spread))], len(spans))
        chosen: list[tuple[int, int, int]] = []
        for _ in range(wanted * 6):
            if len(chosen) >= wanted:
                break
            session_id, span = spans[_pick(cum, rand())]
            if any(_overlap(span, other) for other in chosen):
                continue
            chosen.append(span)
            yield session_id, attendee_id
