"""Certificate figures: what the first `kiosk serve --tls` start costs, and the renewal check a
serving machine makes once a minute when nothing changed (the reason it can run that often).

    .venv/bin/python bench/certificates.py [--checks 200]
"""

from __future__ import annotations

import argparse
import datetime
import statistics
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's folder would come first on sys.path and hide `sync`.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kiosk.certificates import machine, store  # noqa: E402


def timed(work: object, times: int) -> list[float]:
    """Milliseconds of each of `times` calls."""
    found = []
    for _ in range(times):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        found.append((time.perf_counter() - start) * 1000)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--checks", type=int, default=200)
    args = parser.parse_args()
    now = datetime.datetime.now(datetime.UTC)
    firsts = []
    for _ in range(20):
        with tempfile.TemporaryDirectory() as folder:
            db = Path(folder) / "kiosk.sqlite3"
            firsts += timed(
                lambda db=db: store.ensure_server_certificate(db, machine.current(), now), 1
            )
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "kiosk.sqlite3"
        store.ensure_server_certificate(db, machine.current(), now)
        checks = timed(lambda: store.ensure_server_certificate(db, machine.current(), now),
                       args.checks)  # fmt: skip
        names = timed(machine.current, args.checks)
    print(
        f"first start (CA + server certificate, P-256): median {statistics.median(firsts):.1f} ms"
    )
    print(f"renewal check, nothing changed: median {statistics.median(checks):.2f} ms,"
          f" max {max(checks):.2f} ms over {args.checks}")  # fmt: skip
    print(f"  of which the machine's names and addresses: median {statistics.median(names):.2f} ms")


if __name__ == "__main__":
    main()
