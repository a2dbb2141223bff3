"""Head office's one database, SQLite or PostgreSQL, spoken to in one dialect of SQL.

Every statement is written once with `?` parameters and the SQL both engines share
(`ON CONFLICT`, `RETURNING`); only the schema files differ by engine. SQLite keeps a
one-machine head office serverless; PostgreSQL serves an organiser's fleet of events.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any

from kiosk import db as sqlite_db

CHUNK = 500  # values in one SQLite IN list
POSTGRES_PREFIXES = ("postgresql://", "postgres://")
_PARAM = re.compile(r"%|\?")


class HeadOfficeDatabaseError(RuntimeError):
    """The database cannot be reached or migrated; the message says what to do."""


def is_postgres(url: str) -> bool:
    """A `postgresql://` URL; anything else is a SQLite file path."""
    return url.startswith(POSTGRES_PREFIXES)


def _pg_sql(sql: str) -> str:
    """`?` becomes psycopg's `%s` (and a literal `%` is doubled)."""
    return _PARAM.sub(lambda m: "%s" if m.group() == "?" else "%%", sql)


class Database:
    """One connection to head office's database; one per thread."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = "postgresql" if is_postgres(url) else "sqlite"
        self._depth = 0
        if self.dialect == "postgresql":
            import psycopg

            try:
                self.conn: Any = psycopg.connect(url, autocommit=True)
            except psycopg.OperationalError as exc:
                raise HeadOfficeDatabaseError(f"cannot reach {safe_url(url)}: {exc}") from None
        else:
            self.conn = sqlite_db.connect(url)

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Runs one statement; the cursor answers fetchone, fetchall and iteration."""
        if self.dialect == "postgresql":
            return self.conn.execute(_pg_sql(sql), params)
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Runs one statement for many rows (pipelined on PostgreSQL)."""
        if self.dialect == "postgresql":
            with self.conn.cursor() as cur:
                cur.executemany(_pg_sql(sql), list(rows))
        else:
            self.conn.executemany(sql, rows)

    def copy(self, table: str, columns: Sequence[str], rows: list[Sequence[Any]]) -> None:
        """Appends rows in bulk: COPY on PostgreSQL, one prepared INSERT on SQLite."""
        if not rows:
            return
        names = ", ".join(columns)
        if self.dialect == "postgresql":
            with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({names}) FROM STDIN") as out:
                for row in rows:
                    out.write_row(row)
            return
        marks = ", ".join("?" * len(columns))
        self.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)  # noqa: S608

    def among(self, sql: str, params: Sequence[Any], values: Sequence[Any]) -> Iterator[Any]:
        """The rows of `sql` whose `IN ?list` tests a column against any number of values.

        PostgreSQL takes them as one array (`= ANY`), whose plan stays an index lookup once
        the statement is prepared; SQLite takes IN lists of a few hundred at a time.
        """
        if self.dialect == "postgresql":
            yield from self.execute(sql.replace("IN ?list", "= ANY(?)"), (*params, list(values)))
            return
        for start in range(0, len(values), CHUNK):
            chunk = values[start : start + CHUNK]
            yield from self.execute(sql.replace("IN ?list", f"IN ({placeholders(len(chunk))})"),
                                    (*params, *chunk))  # fmt: skip

    def script(self, sql: str) -> None:
        """Runs several statements without parameters (a schema file)."""
        if self.dialect == "postgresql":
            self.conn.execute(sql)
        else:
            self.conn.executescript(sql)

    @contextmanager
    def transaction(self) -> Iterator[Database]:
        """One write transaction; a nested call joins the outer one.

        SQLite takes the file's write lock at BEGIN (BEGIN IMMEDIATE); PostgreSQL writers of
        one event queue on that event's row instead (EventLog locks it before writing).
        """
        if self._depth:
            self._depth += 1
            try:
                yield self
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            if self.dialect == "postgresql":
                with self.conn.transaction():
                    yield self
            else:
                with sqlite_db.transaction(self.conn):
                    yield self
        finally:
            self._depth = 0

    def close(self) -> None:
        """Closes the connection."""
        self.conn.close()


def safe_url(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


def _files(dialect: str) -> list[tuple[int, str]]:
    folder = resources.files("kiosk.headoffice").joinpath("migrations", dialect)
    found = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            found.append((int(entry.name.split("_", 1)[0]), entry.read_text(encoding="utf-8")))
    return sorted(found)


def version(db: Database) -> int:
    """The schema version applied (0: a database head office never set up)."""
    if db.dialect == "sqlite":
        return db.execute("PRAGMA user_version").fetchone()[0]
    found = db.execute("SELECT to_regclass('ho_meta')").fetchone()[0]
    if found is None:
        return 0
    row = db.execute("SELECT value FROM ho_meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def migrate(db: Database) -> int:
    """Brings the schema forward, each file with its version bump in one transaction."""
    current = version(db)
    for number, sql in _files(db.dialect):
        if number <= current:
            continue
        if db.dialect == "sqlite":
            db.script(f"BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {number};\nCOMMIT;")
            current = number
            continue
        with db.transaction():
            db.execute("SELECT pg_advisory_xact_lock(7474)")  # two servers starting at once
            if version(db) < number:
                db.script(sql)
                db.execute("INSERT INTO ho_meta (key, value) VALUES ('schema_version', ?)"
                           " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                           (str(number),))  # fmt: skip
        current = number
    return current


_local = threading.local()


def open_database(url: str) -> Database:
    """A migrated connection, one per thread and URL (the web server's worker threads)."""
    held: dict[str, Database] = getattr(_local, "held", None) or {}
    _local.held = held
    if url not in held:
        db = Database(url)
        migrate(db)
        held[url] = db
    return held[url]


def close_held(url: str) -> None:
    """Closes this thread's connection to `url`, if it holds one (a thread or test done)."""
    held = getattr(_local, "held", {}).pop(url, None)
    if held is not None:
        held.close()


def placeholders(count: int) -> str:
    """`?, ?, …` for an IN list of `count` values."""
    return ", ".join("?" * count)
