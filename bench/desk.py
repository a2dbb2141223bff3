"""The venue desk under load: scans, type-ahead search, cold start and memory of `kiosk serve`.

Against a fresh `kiosk demo` (100,000 attendees by default), every request on a new TCP
connection (Connection: close) as a scanner app makes them, compared with the floor
(bench/floor.py: bare WSGI on waitress, one durable row per request) measured in the same run.

    .venv/bin/python bench/desk.py [--attendees 100000]
"""

from __future__ import annotations

import argparse
import json
import random
import re
import shutil
import sqlite3
import sys
import tempfile
import time
import urllib.parse
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# This folder's sync.py would shadow the `sync` package kiosk imports: import kiosk without it.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _HERE]
from kiosk.desk.romanize import HANGUL, KANA  # noqa: E402
from kiosk.desk.textfold import fold, name_variants  # noqa: E402

sys.path.insert(0, str(_HERE))

from common import (  # noqa: E402
    HOST,
    Job,
    Server,
    Timings,
    free_port,
    json_check,
    kiosk_server,
    make_demo,
    memory_kb,
    run_concurrent,
    run_sequential,
    status_check,
)

TITLE = "Desk: scans, search, cold start, memory"
SEARCH_P99_MS = 30.0
_EAST_ASIAN = re.compile(f"{HANGUL.pattern}|{KANA.pattern}")
RSS_MB = 150.0


@dataclass
class Row:
    """One line of the figures table."""

    figure: str
    target: str
    measured: str
    ok: bool | None  # None: reported, no target

    @property
    def verdict(self) -> str:
        return "" if self.ok is None else ("pass" if self.ok else "**FAIL**")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--attendees", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--scans", type=int, default=2000, help="sequential scans")
    parser.add_argument("--concurrent-scans", type=int, default=4000, help="scans by all clients")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=4, help="turns the floor and kiosk take")
    parser.add_argument("--searches", type=int, default=300, help="per kind of query")
    parser.add_argument("--cold-starts", type=int, default=5)
    parser.add_argument("--workdir", type=Path, help="keep the databases and logs here")
    return parser.parse_args(argv)


# -- what to send ------------------------------------------------------------------------------


def scan_codes(db_path: Path, count: int, seed: int) -> list[str]:
    """Distinct codes that must check in: valid, not blocked, every-day ticket, not arrived."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        codes = [
            r[0]
            for r in db.execute(
                "SELECT code FROM attendee a WHERE status = 'valid' AND block_note = ''"
                " AND ticket_type NOT LIKE 'Day Pass%'"
                " AND NOT EXISTS (SELECT 1 FROM checkin c WHERE c.attendee_id = a.attendee_id)"
                " ORDER BY id"
            )
        ]
    finally:
        db.close()
    if len(codes) < count:
        raise SystemExit(f"only {len(codes)} codes can check in; ask for fewer scans")
    return random.Random(seed).sample(codes, count)


def _one_typo(rng: random.Random, name: str) -> str:
    """The name with one letter of a 5+ letter word changed, as a hurried hand types it."""
    words = name.split()
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isascii() and w.isalpha()]
    if not long:
        return name
    i = rng.choice(long)
    at = rng.randrange(1, len(words[i]))
    words[i] = words[i][:at] + ("x" if words[i][at].lower() != "x" else "q") + words[i][at + 1 :]
    return " ".join(words)


def _other_spellings(rng: random.Random, name: str) -> str | None:
    """Up to two of the spellings the index adds for a Korean or Japanese name (Kim for 김)."""
    typed = set(fold(name).split())
    extra = [w for w in name_variants(name).split() if w not in typed]
    return " ".join(rng.sample(extra, min(2, len(extra)))) if extra else None


def search_queries(db_path: Path, count: int, seed: int) -> dict[str, list[str]]:
    """What staff type: 1-, 2- and 3-letter prefixes of real names, full names, full names with
    one typo, and Korean and Japanese names in the Latin spellings people use."""
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        people = db.execute("SELECT first_name, last_name FROM attendee ORDER BY id").fetchall()
    finally:
        db.close()
    rng = random.Random(seed)
    sample = rng.sample(people, count)
    words = [
        w
        for first, last in sample
        for w in f"{first} {last}".split()
        if len(w) >= 3 and w.isascii() and w.isalpha()
    ]
    full = [f"{first} {last}".strip() for first, last in sample]
    typos = [_one_typo(rng, n) for n in full if any(len(w) >= 5 for w in n.split())]
    east = [f"{first} {last}" for first, last in people if _EAST_ASIAN.search(first + last)]
    spelled = [q for q in (_other_spellings(rng, n) for n in east) if q]
    return {
        "1 letter": [rng.choice(words)[:1] for _ in range(count)],
        "2 letters": [rng.choice(words)[:2] for _ in range(count)],
        "3 letters": [rng.choice(words)[:3] for _ in range(count)],
        "full name": full,
        "full name, one typo": typos[:count],
        "Korean/Japanese, Latin spelling": rng.sample(spelled, min(count, len(spelled))),
    }


def scan_jobs(codes: list[str], token: str, desk: str) -> list[Job]:
    headers = {"Authorization": f"Bearer {token}"}
    return [
        ("POST", "/api/v1/scan",
         json.dumps({"code": c, "desk": desk, "op_id": str(uuid.uuid4())}).encode(), headers)
        for c in codes
    ]  # fmt: skip


def search_jobs(queries: list[str], token: str) -> list[Job]:
    headers = {"Authorization": f"Bearer {token}"}
    return [
        ("GET", "/api/v1/attendees?" + urllib.parse.urlencode({"q": q, "limit": 20}), None, headers)
        for q in queries
    ]


def found_someone(status: int, body: bytes) -> str | None:
    if status != 200:
        return f"HTTP {status}: {body[:200]!r}"
    return None if json.loads(body).get("attendees") else "no attendee found"


# -- the run -----------------------------------------------------------------------------------


def cold_starts(db: Path, token: str, runs: int, workdir: Path) -> list[float]:
    """Seconds from `kiosk serve` starting until its first successful API answer."""
    probe = "/api/v1/attendees?q=a&limit=1"
    headers = {"Authorization": f"Bearer {token}"}
    seconds = []
    for _ in range(runs):
        with kiosk_server(db, free_port(), log=workdir / "cold.log").start() as server:
            seconds.append(server.wait_ready(probe, headers))
    return seconds


def in_rounds(
    targets: list[tuple[int, str]], codes: list[str], rounds: int, run: Any, check: Any
) -> list[Timings]:
    """Each (port, token) scans its share of `codes` in `rounds` turns, taking turns with the
    others (who goes first alternates); the timings of each target over all its turns."""
    totals = [Timings() for _ in targets]
    for number in range(rounds):
        share = codes[number::rounds]
        order = list(range(len(targets)))
        if number % 2:
            order.reverse()
        for i in order:
            port, token = targets[i]
            done = run(port, scan_jobs(share, token, "Bench"), check)
            totals[i].merge(done)
            totals[i].wall += done.wall
    return totals


def ms(value: float) -> str:
    return f"{value:.2f} ms"


def run(args: argparse.Namespace, workdir: Path) -> tuple[list[Row], list[str]]:
    notes: list[str] = []
    print(f"Creating a {args.attendees:,}-attendee demo…", file=sys.stderr)
    demo = make_demo(workdir / "desk.sqlite3", args.attendees, args.seed)
    notes.append(f"`kiosk demo --attendees {args.attendees}`: {demo.seconds:.1f} s wall,"
                 f" database {demo.bytes / 1e6:.0f} MB")  # fmt: skip

    total = args.scans + args.concurrent_scans + 20
    codes = scan_codes(demo.path, total, args.seed)
    warm, seq_codes, conc_codes = codes[:20], codes[20 : 20 + args.scans], codes[20 + args.scans :]
    queries = search_queries(demo.path, args.searches, args.seed)

    print("Cold starts…", file=sys.stderr)
    starts = cold_starts(demo.path, demo.token, args.cold_starts, workdir)

    floor_port, kiosk_port = free_port(), free_port()
    floor = Server([sys.executable, str(Path(__file__).with_name("floor.py")),
                    "--db", str(workdir / "floor.sqlite3"), "--port", str(floor_port)],
                   floor_port, workdir / "floor.log")  # fmt: skip
    kiosk = kiosk_server(demo.path, kiosk_port, log=workdir / "kiosk.log")
    checked_in = json_check("result", "checked_in")
    with floor.start(), kiosk.start():
        floor.wait_ready("/")
        kiosk.wait_ready("/api/v1/attendees?q=a&limit=1", {"Authorization": f"Bearer {demo.token}"})
        # Warm both (thread connections, caches), then take turns in rounds, the first turn
        # alternating, so that the machine's drift during the run hits both alike.
        run_sequential(floor_port, scan_jobs(warm, "-", "Bench"), checked_in)
        run_sequential(kiosk_port, scan_jobs(warm, demo.token, "Bench"), checked_in)
        targets = [(floor_port, "-"), (kiosk_port, demo.token)]
        print("Sequential scans…", file=sys.stderr)
        f_seq, k_seq = in_rounds(targets, seq_codes, args.rounds, run_sequential, checked_in)
        print(f"{args.clients} concurrent clients…", file=sys.stderr)
        f_conc, k_conc = in_rounds(targets, conc_codes, args.rounds,
                                   lambda port, jobs, check: run_concurrent(port, jobs, check,
                                                                            args.clients),
                                   checked_in)  # fmt: skip
        print("Searches…", file=sys.stderr)
        searches: dict[str, Timings] = {}
        for kind, qs in queries.items():
            check = status_check if "letter" in kind else found_someone
            searches[kind] = run_sequential(kiosk_port, search_jobs(qs, demo.token), check)
        memory = memory_kb(kiosk.pid)
        floor_memory = memory_kb(floor.pid)

    rows = [
        Row("floor: scan p50 / p99, sequential", "", f"{ms(f_seq.p(50))} / {ms(f_seq.p(99))}",
            None),
        Row(f"floor: scan p50 / p99, {args.clients} clients", "",
            f"{ms(f_conc.p(50))} / {ms(f_conc.p(99))}", None),
        Row(f"floor: scans/s, {args.clients} clients", "", f"{f_conc.rate:.0f}", None),
        Row("scan p50, sequential", f"≤ 2× floor p50 = {ms(2 * f_seq.p(50))}",
            ms(k_seq.p(50)), k_seq.p(50) <= 2 * f_seq.p(50)),
        Row("scan p99, sequential", "", ms(k_seq.p(99)), None),
        Row(f"scan p50, {args.clients} clients", "", ms(k_conc.p(50)), None),
        Row(f"scan p99, {args.clients} clients", f"≤ 1.5× floor p99 = {ms(1.5 * f_conc.p(99))}",
            ms(k_conc.p(99)), k_conc.p(99) <= 1.5 * f_conc.p(99)),
        Row(f"scans/s, {args.clients} clients", f"floor: {f_conc.rate:.0f}",
            f"{k_conc.rate:.0f}", None),
    ]  # fmt: skip
    scan_errors = k_seq.errors + k_conc.errors
    floor_errors = f_seq.errors + f_conc.errors
    sent = len(k_seq.latencies) + len(k_conc.latencies)
    rows.append(Row("scan errors (kiosk / floor)", "0",
                    f"{len(scan_errors)} / {len(floor_errors)} of {sent} each",
                    not scan_errors and not floor_errors))  # fmt: skip
    search_errors = []
    for kind, t in searches.items():
        rows.append(Row(f"search p50 / p99, {kind}", f"p99 ≤ {SEARCH_P99_MS:.0f} ms",
                        f"{ms(t.p(50))} / {ms(t.p(99))}", t.p(99) <= SEARCH_P99_MS))  # fmt: skip
        search_errors += t.errors
    rows.append(Row("search errors", "0", str(len(search_errors)), not search_errors))
    rows.append(Row(f"cold start (median of {len(starts)}, min–max)", "",
                    f"{sorted(starts)[len(starts) // 2]:.2f} s"
                    f" ({min(starts):.2f}–{max(starts):.2f} s)", None))  # fmt: skip
    rss, hwm = memory["VmRSS"] / 1024, memory["VmHWM"] / 1024
    rows.append(Row("server RSS after the run", f"≤ {RSS_MB:.0f} MB", f"{rss:.0f} MB",
                    rss <= RSS_MB))  # fmt: skip
    rows.append(Row("server peak RSS (VmHWM)", f"≤ {RSS_MB:.0f} MB", f"{hwm:.0f} MB",
                    hwm <= RSS_MB))  # fmt: skip
    notes.append(f"floor process RSS after the run: {floor_memory['VmRSS'] / 1024:.0f} MB")
    for label, errors in (("scan", scan_errors), ("floor", floor_errors),
                          ("search", search_errors)):  # fmt: skip
        if errors:
            notes.append(f"first {label} errors: {sorted(set(errors))[:3]}")
    return rows, notes


def table(rows: list[Row]) -> str:
    lines = ["| figure | target | measured | |", "|---|---|---|---|"]
    lines += [f"| {r.figure} | {r.target} | {r.measured} | {r.verdict} |" for r in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> str:
    """Runs the benchmark, prints the table, and returns it as a Markdown section."""
    args = parse_args(argv)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    try:
        rows, notes = run(args, workdir)
    finally:
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    body = "\n".join([
        table(rows), "",
        *[f"- {n}" for n in notes],
        f"- {HOST} only; every request on a new TCP connection; {args.scans} sequential scans,"
        f" {args.concurrent_scans} scans by {args.clients} client processes, each in"
        f" {args.rounds} turns taken in turn with the floor,"
        f" {args.searches} searches of each kind; benchmark took"
        f" {time.perf_counter() - started:.0f} s",
    ])  # fmt: skip
    print(body)
    return body


if __name__ == "__main__":
    main()
