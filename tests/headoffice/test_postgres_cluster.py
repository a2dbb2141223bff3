"""The throwaway PostgreSQL cluster head office's tests run against, and its fixtures."""

from __future__ import annotations

import os
import pwd
import sqlite3
from contextlib import closing
from pathlib import Path

import psycopg

from tests.support import postgres


def test_cluster_takes_a_connection_and_keeps_a_write(postgres_cluster: str) -> None:
    url = postgres.fresh_database(postgres_cluster, "write_check")
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE venue (name text NOT NULL)")
        conn.execute("INSERT INTO venue VALUES (%s)", ("Jakarta Hall",))
    # A second connection sees the row: it was committed, not only held in a session.
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT name FROM venue").fetchall() == [("Jakarta Hall",)]
        assert conn.execute("SELECT inet_server_addr()::text").fetchone() == ("127.0.0.1/32",)


def test_fresh_databases_do_not_share_tables(postgres_cluster: str) -> None:
    first = postgres.fresh_database(postgres_cluster, "isolated_one")
    second = postgres.fresh_database(postgres_cluster, "isolated_two")
    with psycopg.connect(first) as conn:
        conn.execute("CREATE TABLE op (op_id text PRIMARY KEY)")
        conn.execute("INSERT INTO op VALUES ('n1-1')")
    with psycopg.connect(second) as conn:
        tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
        assert tables.fetchall() == []


def test_server_never_runs_as_root(postgres_cluster: str) -> None:
    # initdb and postgres refuse root; as root the tests hand the server to kiosk-pg.
    expected = pwd.getpwnam(postgres.SERVER_USER).pw_uid if os.geteuid() == 0 else os.getuid()
    with psycopg.connect(postgres_cluster) as conn:
        backend, data = conn.execute(
            "SELECT pg_backend_pid(), current_setting('data_directory')"
        ).fetchone()
        # While connected: a closed connection's backend exits, and its /proc entry with it.
        assert Path(f"/proc/{backend}").stat().st_uid == expected
    assert Path(data).stat().st_uid == expected


def test_each_engine_starts_empty(ho_database_url: str) -> None:
    if ho_database_url.startswith("postgresql://"):
        with psycopg.connect(ho_database_url) as conn:
            tables = conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")
            assert tables.fetchall() == []
    else:
        assert not Path(ho_database_url).exists()
        with closing(sqlite3.connect(ho_database_url)) as conn:
            assert conn.execute("SELECT name FROM sqlite_master").fetchall() == []


def test_newest_server_version_is_chosen_by_number() -> None:
    # A machine with PostgreSQL 9.6 and 16 uses 16, though "9.6" sorts last as text.
    found = [Path(f"/usr/lib/postgresql/{v}/bin") for v in ("9.6", "16", "15", "notes")]
    assert postgres.newest_bindir(found) == Path("/usr/lib/postgresql/16/bin")
    assert postgres.newest_bindir([]) is None
