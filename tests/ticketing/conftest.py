"""A real pretix for the ticketing tests: one server per session, one fresh event per test."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.db import transaction
from kiosk.ticketing import store
from tests.support import pretix as real_pretix


@pytest.fixture(scope="session")
def pretix(tmp_path_factory: pytest.TempPathFactory) -> Iterator[real_pretix.Pretix]:
    with real_pretix.running(tmp_path_factory.mktemp("pretix")) as server:
        yield server


@pytest.fixture
def event(pretix: real_pretix.Pretix) -> real_pretix.PretixEvent:
    return pretix.new_event()


def connect(db: sqlite3.Connection, event: real_pretix.PretixEvent, name: str = "box office",
            token: str | None = None, url: str | None = None) -> store.Connection:  # fmt: skip
    """Adds the event as `kiosk ticketing add pretix` would."""
    settings = {"url": url or event.pretix.url, "organizer": real_pretix.ORGANIZER,
                "event": event.slug, "token": token or event.pretix.token}  # fmt: skip
    with transaction(db):
        store.add(db, "pretix", name, settings, "2026-12-01T00:00:00.000Z")
    found = store.get(db, name)
    assert found is not None
    return found


@pytest.fixture
def kiosk_db(db_path: Path) -> Iterator[sqlite3.Connection]:
    from kiosk.db import open_db

    conn = open_db(db_path)
    yield conn
    conn.close()
