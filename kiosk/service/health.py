"""Whether this machine's database can take writes: what the watchdog and `kiosk doctor` ask.

The check is GET /healthz's (kiosk.operations.health), so the service manager, the doctor and
a monitor never disagree about one database; here it reads as one sentence, or None.
"""

from __future__ import annotations

from pathlib import Path

from kiosk.operations.health import probe


def database_problem(db_path: str | Path) -> str | None:
    """None while the database opens, takes the write lock and has room; else why not."""
    path = Path(db_path)
    if not path.is_file():
        return f"the database {path} is missing"
    found = probe(path)
    return None if found.ok else f"the database {path} cannot be written ({found.message})"
