"""A released migration never changes: venues already ran it.

A database records only the number of the last migration it ran. A file edited after a
release is never run again at a venue that has it, so the venue's schema silently differs
from a fresh install's. Fixes go into a new migration instead.
"""

from __future__ import annotations

from importlib import resources

from tests.upgrade.release import (
    RELEASE_0_1_0,
    ROOT,
    dependencies,
    need_release,
    released_file,
    released_names,
)

FOLDER = "kiosk/migrations"


def test_every_migration_of_0_1_0_is_shipped_byte_for_byte() -> None:
    need_release()
    names = [n for n in released_names(FOLDER) if n.endswith(".sql")]
    assert names, f"{RELEASE_0_1_0} has no migrations in {FOLDER}"
    shipped = resources.files("kiosk.migrations")
    changed = [
        n for n in names if shipped.joinpath(n).read_bytes() != released_file(f"{FOLDER}/{n}")
    ]
    assert changed == []


def test_new_migrations_come_after_the_released_ones() -> None:
    """A number at or below 0.1.0's last would never run at a venue upgrading from it."""
    need_release()
    released = {n for n in released_names(FOLDER) if n.endswith(".sql")}
    newest_released = max(int(n[:4]) for n in released)
    later = [p.name for p in (ROOT / FOLDER).glob("*.sql") if p.name not in released]
    assert [n for n in later if int(n[:4]) <= newest_released] == []


def test_0_1_0_runs_on_todays_dependencies() -> None:
    """The upgrade test runs 0.1.0 on today's interpreter and packages: it may, as long as it
    needs nothing that today's Kiosk does not install."""
    need_release()
    old = dependencies(released_file("pyproject.toml"))
    assert old - dependencies((ROOT / "pyproject.toml").read_bytes()) == set()
