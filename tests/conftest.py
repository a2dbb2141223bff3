"""Shared fixtures: a fresh database per test, loaded from tests/data through the real paths."""

from __future__ import annotations

import itertools
import os
import re
import shutil
import sqlite3
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from kiosk import auth, create_app
from kiosk.clock import FixedClock
from kiosk.db import open_db, transaction
from kiosk.desk import importer
from kiosk.desk.event import set_event, set_ticket_type
from kiosk.headoffice.database import Database, migrate
from kiosk.leads import sponsors
from kiosk.replication import node as node_module
from kiosk.replication.node import Node, adopt, get_setting, load_node
from tests.support import postgres

DATA = Path(__file__).parent / "data"
# The fixture event runs three days from 2026-12-01 in Jakarta (UTC+7).
EVENT_START = date(2026, 12, 1)
DAY1_MORNING = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)  # 09:00 in Jakarta
DAY2_MORNING = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)
STAFF_PIN = "4321"


def seed(db: sqlite3.Connection, node: Node) -> None:
    """The small fixture event: 11 attendees in many scripts, one blocked, one cancelled."""
    with transaction(db):
        set_event(db, node, name="Test Conference", starts_on=EVENT_START.isoformat(), days=3,
                  timezone="Asia/Jakarta")  # fmt: skip
        set_ticket_type(db, node, "Day Pass (Day 2)", [2])
    importer.import_attendees(db, node, (DATA / "attendees.csv").read_bytes())
    with transaction(db):
        node.record(db, "attendee_upsert", "a-blocked",
                    {"fields": {"block_note": "See the organiser before entry"}})  # fmt: skip


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The fixture event built once per session (migrations, import, two staff PINs hashed):
    each test gets a copy of the file, a hundred times cheaper than building it again."""
    path = tmp_path_factory.mktemp("template") / "kiosk.sqlite3"
    db = open_db(path)
    seed(db, load_node(db))
    auth.add_staff(db, "Ana", "desk", STAFF_PIN)
    auth.add_staff(db, "Budi", "supervisor", STAFF_PIN)
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert not path.with_name(path.name + "-wal").exists()
    return path


@pytest.fixture
def db_path(tmp_path: Path, seeded_template: Path) -> Path:
    """The fixture event, this test's own: the copy is adopted as the template's node (so the
    seed ops stay its own, as when it was built here) with a clock of its own."""
    path = tmp_path / "kiosk.sqlite3"
    shutil.copyfile(seeded_template, path)
    db = open_db(path)
    adopt(db)
    node_module._clocks.pop(get_setting(db, "node_id"), None)  # an earlier test's clock
    db.close()
    return path


@pytest.fixture
def db(db_path: Path) -> Iterator[sqlite3.Connection]:
    conn = open_db(db_path)
    yield conn
    conn.close()


@pytest.fixture
def node(db: sqlite3.Connection) -> Node:
    return load_node(db)


@pytest.fixture
def clock() -> FixedClock:
    """The app's clock, pinned at 09:00 on day one; a test moves it with `set` or `advance`."""
    return FixedClock(DAY1_MORNING)


@pytest.fixture
def app(db_path: Path, clock: FixedClock) -> Flask:
    return create_app({"DATABASE": str(db_path), "TESTING": True, "SECRET_KEY": "test-secret",
                       "CLOCK": clock})  # fmt: skip


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_from(html: bytes) -> str:
    """The CSRF token a page carries in its forms."""
    match = re.search(rb'name="csrf_token" value="([^"]+)"', html)
    assert match, "page has no CSRF token"
    return match.group(1).decode()


def sign_in(client: FlaskClient, name: str = "Ana", desk: str = "Desk North-1") -> str:
    """Signs in through the real form; returns the CSRF token for later posts."""
    page = client.get("/login")
    response = client.post("/login", data={"name": name, "pin": STAFF_PIN, "desk": desk,
                                           "csrf_token": csrf_from(page.data)})  # fmt: skip
    assert response.status_code == 303, response.data[:500]
    return csrf_from(client.get("/desk").data)


@pytest.fixture
def desk(client: FlaskClient) -> tuple[FlaskClient, str]:
    """A browser signed in as desk staff, with its CSRF token."""
    return client, sign_in(client)


@pytest.fixture
def make_token(db_path: Path):
    """Creates a bearer token of a role on the test database."""

    def make(role: str, name: str = "test device") -> dict[str, str]:
        conn = open_db(db_path)
        try:
            sponsor = ""
            if role == "exhibitor":  # an exhibitor token belongs to a sponsor
                sponsor = sponsors.save(conn, load_node(conn), "Test Sponsor").sponsor_id
            return {"Authorization": f"Bearer {auth.create_token(conn, role, name, sponsor)}"}
        finally:
            conn.close()

    return make


@pytest.fixture
def schedule_loaded(db_path: Path, clock: FixedClock) -> None:
    """The fixture event's rooms, sessions and sign-ups, with the clock at 10:05 on day 1."""
    from tests.rooms_data import AT_1005, load

    conn = open_db(db_path)
    load(conn, load_node(conn))
    conn.close()
    clock.set(AT_1005)


@pytest.fixture(scope="session")
def postgres_cluster(request: pytest.FixtureRequest) -> Iterator[str]:
    """The session's throwaway PostgreSQL server, started when a test first asks: its base URL.

    A server that cannot start fails those tests (never a skip: CI must not pass without it).
    KIOSK_TEST_PG_KEEP=1 leaves it running afterwards and prints its URL and how to stop it.
    """
    keep = os.environ.get("KIOSK_TEST_PG_KEEP") == "1"
    try:
        with postgres.cluster(keep=keep) as base:
            yield base
            if keep:
                capture = request.config.pluginmanager.get_plugin("capturemanager")
                with capture.global_and_fixture_disabled():  # pytest holds teardown's output
                    print(f"\nPostgreSQL kept running at {base}; stop it with: "
                          f"{postgres.stop_command(base)}")  # fmt: skip
    except postgres.ClusterError as error:
        raise pytest.fail.Exception(f"PostgreSQL for the tests: {error}", pytrace=False) from None


DATABASE_NUMBERS = itertools.count(1)


@pytest.fixture(params=["sqlite", "postgresql"])
def ho_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Where a head-office store lives, once per engine: a SQLite file path (not created yet),
    then the URL of a fresh empty database on the session's PostgreSQL cluster."""
    if request.param == "sqlite":
        return str(tmp_path / "headoffice.sqlite3")
    base = request.getfixturevalue("postgres_cluster")
    name = postgres.database_name(request.node.name, next(DATABASE_NUMBERS))
    return postgres.fresh_database(base, name)


@pytest.fixture
def ho(ho_database_url: str) -> Iterator[Database]:
    """A migrated, empty head-office database, once on SQLite and once on PostgreSQL."""
    db = Database(ho_database_url)
    migrate(db)
    yield db
    db.close()


# Modules whose answers turn on the event's days, ticket validity or the schedule's hours.
# `make test` runs them again at several instants around the fixture event (scripts/test-dates).
DATE_SENSITIVE = {
    "test_api", "test_api_scan_fast", "test_selfservice", "test_desk", "test_checkin_rules",
    "test_rooms", "test_rooms_web", "test_signage", "test_printing", "test_printing_web",
    "test_review_merge", "test_review_actions", "test_security", "test_selfservice_api",
}  # fmt: skip


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.module is not None and item.module.__name__.rsplit(".", 1)[-1] in DATE_SENSITIVE:
            item.add_marker(pytest.mark.dates)
