"""A throwaway PostgreSQL cluster for the tests: initdb in a temporary folder, a server on
127.0.0.1 on a free port with its socket in that folder, stopped and removed afterwards.

initdb and postgres refuse to run as root, and CI runs `make test` as root: then the server
runs as the system user kiosk-pg (created on first use). Durability settings stay at their
defaults: a fresh database and a small write take milliseconds with fsync on (docs/testing.md).
"""

from __future__ import annotations

import os
import pwd
import re
import shlex
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import psycopg
from psycopg import sql

from tests.support.processes import free_port

SERVER_USER = "kiosk-pg"
DEBIAN_VERSIONS = Path("/usr/lib/postgresql")
DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")


class ClusterError(Exception):
    """PostgreSQL could not be started or stopped; the message says why, with its output."""


def newest_bindir(candidates: Iterable[Path]) -> Path | None:
    """The bin folder of the highest version among /usr/lib/postgresql/<version>/bin.

    Versions compare as numbers: 16 is newer than 9.6, though it sorts first as text.
    """
    versioned = [(tuple(int(part) for part in c.parent.name.split(".")), c) for c in candidates
                 if re.fullmatch(r"\d+(\.\d+)*", c.parent.name)]  # fmt: skip
    return max(versioned)[1] if versioned else None


def server_bindir() -> Path:
    """Where initdb and pg_ctl are: pg_config's bindir (not on Debian without libpq-dev, and
    libpq-dev's may name a version whose server is not installed), else Debian's newest."""
    pg_config = shutil.which("pg_config")
    if pg_config:
        found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True)
        bindir = Path(found.stdout.strip())
        if found.returncode == 0 and (bindir / "initdb").is_file():
            return bindir
    bindir = newest_bindir(p.parent for p in DEBIAN_VERSIONS.glob("*/bin/initdb"))
    if bindir is None:
        raise ClusterError("no PostgreSQL server (initdb) in pg_config --bindir or "
                           f"{DEBIAN_VERSIONS}/*/bin: 'make test' installs the Debian "
                           "package postgresql")  # fmt: skip
    return bindir


def server_user() -> pwd.struct_passwd:
    """The unprivileged user root runs the server as, created once as a system user."""
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        # Another test run may create it at the same moment: its existence is what counts.
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell",
                        "/usr/sbin/nologin", SERVER_USER], capture_output=True)  # fmt: skip
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        raise ClusterError(f"could not create the system user {SERVER_USER}") from None


def as_server(argv: list[str]) -> list[str]:
    """The command line that runs `argv` as the server's user: kiosk-pg for root, else us.

    setpriv execs the program itself, so signals reach PostgreSQL with nothing in between.
    """
    if os.geteuid() != 0:
        return argv
    user = server_user()
    return ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups",
            "--", *argv]  # fmt: skip


def run(argv: list[str], directory: Path) -> None:
    """Runs a PostgreSQL program as the server's user; fails with its output."""
    done = subprocess.run(as_server(argv), cwd=directory, capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    if done.returncode != 0:
        raise ClusterError(f"{' '.join(argv)} exited {done.returncode}:\n"
                           f"{done.stdout}{done.stderr}")  # fmt: skip


def log_tail(directory: Path) -> str:
    log = directory / "server.log"
    return log.read_text(errors="replace")[-3000:] if log.exists() else "(no server log)"


def start(directory: Path, bindir: Path) -> str:
    """initdb and a running server in `directory`; returns the URL of its postgres database."""
    data = directory / "data"
    run([str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres", "-E", "UTF8",
         "--locale=C.UTF-8", "--no-sync"], directory)  # fmt: skip
    port = free_port()
    with (data / "postgresql.conf").open("a") as conf:
        conf.write(f"listen_addresses = '127.0.0.1'\nport = {port}\n"
                   f"unix_socket_directories = '{directory}'\n")  # fmt: skip
    try:
        run([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(directory / "server.log"),
             "-w", "-t", "60", "start"], directory)  # fmt: skip
    except ClusterError as error:
        raise ClusterError(f"{error}\nserver log:\n{log_tail(directory)}") from None
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    wait_for_connections(url, directory)
    return url


def wait_for_connections(url: str, directory: Path, tries: int = 100) -> None:
    """Connects a bounded number of times; fails with the server log if it never answers."""
    last: psycopg.OperationalError | None = None
    for _ in range(tries):
        try:
            psycopg.connect(url, connect_timeout=2).close()
            return
        except psycopg.OperationalError as error:
            last = error
            time.sleep(0.05)
    raise ClusterError(f"PostgreSQL never accepted connections at {url}: {last}\n"
                       f"server log:\n{log_tail(directory)}")  # fmt: skip


def stop(directory: Path, bindir: Path) -> None:
    """pg_ctl's fast shutdown: SIGINT to the server, then wait until it has gone."""
    run([str(bindir / "pg_ctl"), "-D", str(directory / "data"), "-m", "fast", "-w", "stop"],
        directory)  # fmt: skip


@contextmanager
def cluster(keep: bool = False) -> Iterator[str]:
    """A running cluster's base URL; stopped and removed on exit unless `keep`."""
    bindir = server_bindir()
    directory = Path(tempfile.mkdtemp(prefix="kiosk-pg-"))
    try:
        if os.geteuid() == 0:
            user = server_user()
            os.chown(directory, user.pw_uid, user.pw_gid)
        url = start(directory, bindir)
    except BaseException:
        if (directory / "data" / "postmaster.pid").exists():  # started, then never answered
            with suppress(ClusterError):
                stop(directory, bindir)
        shutil.rmtree(directory, ignore_errors=True)
        raise
    try:
        yield url
    finally:
        if not keep:
            stop(directory, bindir)
            shutil.rmtree(directory)


def stop_command(base: str) -> str:
    """How to stop a kept cluster by hand, as the server tells where its data is."""
    with psycopg.connect(base) as conn:
        (data,) = conn.execute("SELECT current_setting('data_directory')").fetchone()
    argv = as_server([str(server_bindir() / "pg_ctl"), "-D", data, "-m", "fast", "stop"])
    return f"cd {shlex.quote(str(Path(data).parent))} && {shlex.join(argv)}"


def fresh_database(base: str, name: str) -> str:
    """CREATE DATABASE `name` (empty, from template1) on the cluster; returns its URL."""
    if not DATABASE_NAME.fullmatch(name):
        raise ValueError(f"not a plain database name: {name!r}")
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return f"{base.rsplit('/', 1)[0]}/{name}"


def database_name(test_name: str, number: int) -> str:
    """A database name that says which test made it, unique by `number` within a session."""
    stem = re.sub(r"[^a-z0-9]+", "_", test_name.lower()).strip("_")[:50]
    return f"{stem}_{number}"
