"""Files Kiosk writes hold personal data and secrets: only the user that runs Kiosk reads them."""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

PRIVATE_UMASK = 0o077  # files 0600, folders 0700
KEY_SUFFIX = ".key"  # beside the database: the session-signing key


def private_umask() -> None:
    """Every file this process creates from now on (database, WAL, backups, exports, badges)
    is readable by its owner only."""
    os.umask(PRIVATE_UMASK)


def make_private(path: str | Path) -> None:
    """Takes group and other permissions away from an existing file (one made by an older
    Kiosk); a file of another user is left as it is."""
    with contextlib.suppress(OSError):
        mode = os.stat(path).st_mode
        if mode & 0o077:
            os.chmod(path, mode & 0o700)


def create_private(path: str | Path) -> None:
    """Creates an empty file with mode 0600 if there is none, whatever the umask."""
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))


def key_path(db_path: str | Path) -> Path:
    """Where the session-signing key of a database is kept."""
    return Path(f"{db_path}{KEY_SUFFIX}")


def signing_key(db_path: str | Path) -> str:
    """The session-signing key, kept outside the database (so no backup carries it) in a 0600
    file made on first use."""
    path = key_path(db_path)
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    key = secrets.token_urlsafe(48)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(key + "\n")
        out.flush()
        os.fsync(out.fileno())
    try:
        os.link(partial, path)  # a second process starting at once keeps the first key
    except FileExistsError:
        pass
    finally:
        partial.unlink(missing_ok=True)
    return path.read_text(encoding="ascii").strip()


def rotate_key(db_path: str | Path) -> None:
    """Forgets the signing key: every cookie signed with it stops working."""
    key_path(db_path).unlink(missing_ok=True)
