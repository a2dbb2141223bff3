"""`kiosk --config kiosk.toml` (or KIOSK_CONFIG): every KIOSK_* setting in one file.

A key is its environment variable without `KIOSK_`, in lower case (`sync_peer` is
KIOSK_SYNC_PEER), so a setting added to kiosk/config.py needs nothing here. The file fills in
what the environment leaves unset: defaults < file < environment < command line.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from kiosk import config
from kiosk.headoffice.smtp import ENV as MAIL_VARIABLES
from printers.fonts import FONT_DIRS_ENV

# The CLI reads the database from --db / KIOSK_DB, head office's from KIOSK_HO_DATABASE.
ALIASES = {"KIOSK_DATABASE": "KIOSK_DB"}
OTHER_VARIABLES = ("KIOSK_HO_DATABASE", FONT_DIRS_ENV, *MAIL_VARIABLES.values())


class ConfigFileError(ValueError):
    """A config file that cannot be used; the message names the file, line and key."""


def variables() -> dict[str, str]:
    """Every key the file takes, with the environment variable it stands for."""
    names = [ALIASES.get(f"KIOSK_{n}", f"KIOSK_{n}") for n in config.SETTINGS]
    return {v.removeprefix("KIOSK_").lower(): v for v in (*names, *OTHER_VARIABLES)}


def _kind(variable: str) -> type | None:
    """The type a setting's default has (bool, int, str); None where any scalar goes."""
    name = next((n for n in config.SETTINGS
                 if ALIASES.get(f"KIOSK_{n}", f"KIOSK_{n}") == variable), None)  # fmt: skip
    return None if name is None else type(getattr(config, name))


def _line(text: str, key: str) -> int:
    """The line where `key` is set or opens a table (1 if it cannot be found)."""
    pattern = re.compile(rf"^\s*(\[\s*)?[\"']?{re.escape(key)}[\"']?\s*[=\].]")
    return next((n for n, ln in enumerate(text.splitlines(), 1) if pattern.match(ln)), 1)


def _as_text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def read(path: str | Path) -> dict[str, str]:
    """The file's settings as environment variables and their text; ConfigFileError if wrong."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except OSError as exc:
        raise ConfigFileError(f"cannot read the config file {path}: {exc.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigFileError(f"{path} is not valid TOML: {exc}") from None
    known, found = variables(), {}
    for key, value in data.items():
        where = f"{path} line {_line(text, key)}"
        if key not in known:
            raise ConfigFileError(f"{where}: unknown setting {key!r} (the keys are listed in"
                                  " docs/configuration.md)")  # fmt: skip
        kind = _kind(known[key])
        scalar = isinstance(value, bool | int | float | str)
        if not scalar or (kind is not None and type(value) is not kind):
            wanted = {bool: "true or false", int: "a whole number", str: "text in quotes"}
            raise ConfigFileError(f"{where}: {key} takes {wanted.get(kind, 'one value')},"
                                  f" not {value!r}")  # fmt: skip
        found[known[key]] = _as_text(value)
    return found


def apply(values: Mapping[str, str], environ: MutableMapping[str, str] = os.environ) -> None:
    """Sets each variable the environment does not already set (the environment wins)."""
    for name, value in values.items():
        environ.setdefault(name, value)
